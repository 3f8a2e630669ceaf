package admin

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wardgate/ward/engine/control/incident"
	"github.com/wardgate/ward/engine/control/operator"
)

// LoginRequest is the body of POST /login.
type LoginRequest struct {
	Operator string `json:"operator"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

// LoginResponse is the answer of a successful POST /login.
type LoginResponse struct {
	Token    string    `json:"token"`
	Operator string    `json:"operator"`
	Expires  time.Time `json:"expires"`
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req LoginRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Operator == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"operator":NAME,"password":PASSWORD,"totp":CODE}`})
		return
	}
	ip := clientIP(r)
	tok, exp, err := s.o.Operators.Login(req.Operator, req.Password, req.TOTP, ip)
	// The name is logged only when it is a plausible operator name: a
	// password typed into the name field must not reach the log.
	name := req.Operator
	if !operator.ValidName(name) {
		name = "(invalid)"
	}
	result := "ok"
	switch {
	case errors.Is(err, operator.ErrRateLimited):
		result = "rate_limited"
		w.Header().Set("Retry-After", strconv.Itoa(int(operator.DefaultFailWindow/time.Second)))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": err.Error()})
	case errors.Is(err, operator.ErrUnavailable):
		result = "unavailable"
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": operator.ErrUnavailable.Error()})
	case err != nil:
		result = "denied"
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": operator.ErrDenied.Error()})
	default:
		writeJSON(w, http.StatusOK, LoginResponse{Token: tok, Operator: req.Operator, Expires: exp})
	}
	if err != nil {
		s.o.Log.Warn("admin login failed", "operator", name, "client_ip", ip, "result", result)
	} else {
		s.o.Log.Info("admin login", "operator", name, "client_ip", ip)
	}
	if s.o.Events != nil {
		_ = s.o.Events.Event("admin_login", time.Now(), map[string]string{"operator": name, "client_ip": ip, "result": result})
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !s.o.Operators.Logout(tok) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "not a session token"})
		return
	}
	s.o.Log.Info("admin logout", "operator", Operator(r.Context()))
	writeJSON(w, http.StatusOK, map[string]string{"operator": Operator(r.Context())})
}

func (s *Server) quarantines(w http.ResponseWriter, r *http.Request) {
	list, err := s.o.Quarantines.List(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"quarantines": list})
}

// LiftRequest is the body of POST /quarantines/lift.
type LiftRequest struct {
	Identity string `json:"identity"` // KIND:VALUE, as the id of GET /quarantines
}

func (s *Server) liftJSON(w http.ResponseWriter, r *http.Request) {
	var req LiftRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Identity == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"identity":"KIND:VALUE"}`})
		return
	}
	s.lift(w, r, req.Identity)
}

func (s *Server) liftPath(w http.ResponseWriter, r *http.Request) { s.lift(w, r, r.PathValue("id")) }

func (s *Server) lift(w http.ResponseWriter, r *http.Request, id string) {
	op := Operator(r.Context())
	if op == "" {
		op = "local" // a no-auth admin API, loopback only
	}
	err := s.o.Quarantines.Lift(r.Context(), id, op)
	switch {
	case errors.Is(err, incident.ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not quarantined: " + id})
	case errors.Is(err, incident.ErrInvalidID):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"lifted": id, "operator": op})
	}
}
