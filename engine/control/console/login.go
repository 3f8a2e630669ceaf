package console

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/operator"
)

// authInfo is the answer of GET /console/api/auth: how one may log in.
type authInfo struct {
	// Token: the admin token is accepted at the login form.
	Token bool `json:"token"`
	// Operators: operators log in with name, password and TOTP code.
	Operators bool `json:"operators"`
	// TokenSet is false when the admin API has neither a token nor
	// operators (loopback only, no login).
	TokenSet bool `json:"token_set"`
}

// tokenLogin reports whether the login form takes the admin token: the
// API has one and it is not turned off for the console, or the API has
// neither a token nor operators (loopback only: any token will do).
func (c *Console) tokenLogin() bool {
	return c.check != nil && !c.o.NoTokenLogin && (c.tokenSet || c.o.Operators == nil)
}

func (c *Console) auth() authInfo {
	return authInfo{Token: c.tokenLogin() && c.tokenSet, Operators: c.o.Operators != nil, TokenSet: c.tokenSet || c.o.Operators != nil}
}

func (c *Console) authMethods(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, c.auth())
}

// loginRequest is the body of POST /console/api/login: the admin token,
// or an operator's name, password and current TOTP code.
type loginRequest struct {
	Token    string `json:"token"`
	Operator string `json:"operator"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type sessionInfo struct {
	Expires  time.Time `json:"expires,omitzero"`
	TokenSet bool      `json:"token_set"`
	// Operator is who is logged in (ConsoleOperator for the admin
	// token); Admin is true for a session of the admin token.
	Operator string `json:"operator,omitempty"`
	Admin    bool   `json:"admin"`
	// Operators: the console can enrol operators' TOTP secrets.
	Operators bool `json:"operators"`
}

func (c *Console) refuseOrigin(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, apiError{"missing " + CSRFHeader + " header or foreign origin"})
}

func (c *Console) limited(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
	writeJSON(w, http.StatusTooManyRequests, apiError{"too many failed logins; try again later"})
}

// loginEvent audits a login attempt as the admin API does ("admin_login"),
// with via "console". name is logged only when it is a plausible operator
// name: a password typed into the name field must not reach the log.
func (c *Console) loginEvent(name, addr, result string) {
	if name != admin.ConsoleOperator && !operator.ValidName(name) {
		name = "(invalid)"
	}
	if result == "ok" {
		c.o.Log.Info("console login", "operator", name, "addr", addr)
	} else {
		c.o.Log.Warn("console login refused", "operator", name, "addr", addr, "result", result)
	}
	if c.o.Events != nil {
		_ = c.o.Events.Event("admin_login", c.o.Now(), map[string]string{"operator": name, "client_ip": addr, "result": result, "via": "console"})
	}
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		c.refuseOrigin(w)
		return
	}
	addr := clientAddr(r)
	if wait, ok := c.sess.allowLogin(addr); !ok {
		c.limited(w, wait)
		return
	}
	var body loginRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || (body.Token == "") == (body.Operator == "") {
		writeJSON(w, http.StatusBadRequest, apiError{`want {"token": "..."} or {"operator": "...", "password": "...", "totp": "..."}`})
		return
	}
	var (
		who   string
		isAdm bool
	)
	if body.Token != "" {
		if !c.tokenLogin() {
			writeJSON(w, http.StatusForbidden, apiError{"login with the admin token is turned off; log in as an operator"})
			return
		}
		if !c.check(strings.TrimSpace(body.Token)) {
			c.sess.failed(addr)
			c.loginEvent(admin.ConsoleOperator, addr, "denied")
			writeJSON(w, http.StatusUnauthorized, apiError{"wrong admin token"})
			return
		}
		who, isAdm = admin.ConsoleOperator, true
	} else {
		if c.o.Operators == nil {
			writeJSON(w, http.StatusForbidden, apiError{"no operators are configured ([admin] operators_file)"})
			return
		}
		// Check, not Login: the console keeps its own session (a cookie);
		// the code is used up all the same.
		err := c.o.Operators.Check(body.Operator, body.Password, strings.TrimSpace(body.TOTP), addr)
		switch {
		case errors.Is(err, operator.ErrRateLimited):
			c.loginEvent(body.Operator, addr, "rate_limited")
			c.limited(w, operator.DefaultFailWindow)
			return
		case errors.Is(err, operator.ErrUnavailable):
			c.loginEvent(body.Operator, addr, "unavailable")
			w.Header().Set("Retry-After", "5")
			writeJSON(w, http.StatusServiceUnavailable, apiError{"the record of used codes is unavailable; try again"})
			return
		case err != nil:
			c.sess.failed(addr)
			c.loginEvent(body.Operator, addr, "denied")
			writeJSON(w, http.StatusUnauthorized, apiError{"wrong operator, password or code"})
			return
		}
		who = body.Operator
	}
	c.sess.succeeded(addr)
	id, exp, err := c.sess.create(who, isAdm)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, apiError{"no session: " + err.Error()})
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: id, Path: "/", Expires: exp, MaxAge: int(c.o.SessionTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	c.loginEvent(who, addr, "ok")
	writeJSON(w, http.StatusOK, sessionInfo{Expires: exp, TokenSet: c.tokenSet, Operator: who, Admin: isAdm, Operators: c.o.Operators != nil})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		c.refuseOrigin(w)
		return
	}
	c.sess.end(r)
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	w.WriteHeader(http.StatusNoContent)
}

func (c *Console) session(w http.ResponseWriter, r *http.Request) {
	info := sessionInfo{TokenSet: c.tokenSet, Operators: c.o.Operators != nil, Operator: admin.Operator(r.Context())}
	if v, _, ok := c.sess.get(r); ok {
		info.Expires, info.Operator, info.Admin = v.expires, v.operator, v.admin
	}
	writeJSON(w, http.StatusOK, info)
}

// consoleSession returns r's console session when r is a state-changing
// request of the console's page: the cookie, the CSRF header and the
// origin, and no bearer token.
func (c *Console) consoleSession(r *http.Request) (session, [32]byte, bool) {
	if r.Header.Get("Authorization") != "" || !sameOrigin(r) {
		return session{}, [32]byte{}, false
	}
	return c.sess.get(r)
}

// enrolRequest is the body of POST /console/api/enrol. An operator sends
// their password and current code; the admin (a session of the admin
// token) names the operator and sends the admin token again.
type enrolRequest struct {
	Password   string `json:"password"`
	TOTP       string `json:"totp"`
	Operator   string `json:"operator"`
	AdminToken string `json:"admin_token"`
}

// enrolResponse hands out a new secret, once.
type enrolResponse struct {
	Operator string    `json:"operator"`
	Secret   string    `json:"secret"`
	URI      string    `json:"uri"`
	QRSVG    string    `json:"qr_svg"`
	Expires  time.Time `json:"expires"`
}

// enrolAudit records a console enrolment action as an admin action.
func (c *Console) enrolAudit(r *http.Request, who, action, target, result, errText string) {
	if c.o.Audit == nil {
		return
	}
	c.o.Audit.AdminAction(&admin.Action{Time: c.o.Now(), Operator: who, Action: action, Target: target, Result: result,
		Error: errText, Remote: r.RemoteAddr})
}

// enrol starts the enrolment of a new TOTP secret: an operator's own,
// with their password and current code (a re-enrolment), or any
// operator's, by the admin with the admin token (a reset). Only a console
// session may: the enrolment is bound to it, and confirmed by it.
func (c *Console) enrol(w http.ResponseWriter, r *http.Request) {
	v, k, ok := c.consoleSession(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, apiError{"enrolment needs a console session"})
		return
	}
	if c.o.Operators == nil {
		writeJSON(w, http.StatusNotFound, apiError{"no operators are configured ([admin] operators_file)"})
		return
	}
	var body enrolRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{`want {"password": "...", "totp": "..."}, or as the admin {"operator": "...", "admin_token": "..."}`})
		return
	}
	addr := clientAddr(r)
	var (
		e   *operator.Enrolment
		err error
	)
	action := "totp_enrol"
	if v.admin {
		action = "totp_reset"
		target := body.Operator
		if !operator.ValidName(target) {
			target = "(invalid)"
		}
		if wait, ok := c.sess.allowLogin(addr); !ok {
			c.enrolAudit(r, v.operator, action, target, "refused", "rate limited")
			c.limited(w, wait)
			return
		}
		if !c.tokenLogin() || !c.check(strings.TrimSpace(body.AdminToken)) {
			c.sess.failed(addr)
			c.enrolAudit(r, v.operator, action, target, "refused", "wrong admin token")
			writeJSON(w, http.StatusUnauthorized, apiError{"wrong admin token"})
			return
		}
		e, err = c.o.Operators.Reset(body.Operator)
	} else {
		if body.Operator != "" && body.Operator != v.operator {
			c.enrolAudit(r, v.operator, action, v.operator, "refused", "another operator's secret")
			writeJSON(w, http.StatusForbidden, apiError{"an operator enrols only their own secret"})
			return
		}
		e, err = c.o.Operators.Reenrol(v.operator, body.Password, strings.TrimSpace(body.TOTP), addr)
	}
	if err != nil {
		code, msg := http.StatusServiceUnavailable, err.Error()
		switch {
		case errors.Is(err, operator.ErrDenied):
			code, msg = http.StatusUnauthorized, "wrong password or code"
		case errors.Is(err, operator.ErrRateLimited):
			code = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(operator.DefaultFailWindow/time.Second)))
		case errors.Is(err, operator.ErrUnknown):
			code = http.StatusNotFound
		case errors.Is(err, operator.ErrNoFile):
			code = http.StatusConflict
		}
		target := v.operator
		if v.admin {
			target = body.Operator
			if !operator.ValidName(target) {
				target = "(invalid)"
			}
		}
		c.enrolAudit(r, v.operator, action, target, "refused", msg)
		writeJSON(w, code, apiError{msg})
		return
	}
	svg, err := QRSVG(e.URI)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, apiError{"QR code: " + err.Error()})
		return
	}
	c.sess.setEnrol(k, e.ID)
	c.enrolAudit(r, v.operator, action, e.Operator, "ok", "")
	writeJSON(w, http.StatusOK, enrolResponse{Operator: e.Operator, Secret: e.Secret, URI: e.URI, QRSVG: svg, Expires: e.Expires})
}

// enrolConfirm completes the session's enrolment with a code of the new
// secret: {"totp": "..."}.
func (c *Console) enrolConfirm(w http.ResponseWriter, r *http.Request) {
	v, k, ok := c.consoleSession(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, apiError{"enrolment needs a console session"})
		return
	}
	if c.o.Operators == nil || v.enrolID == "" {
		writeJSON(w, http.StatusNotFound, apiError{"no enrolment under way in this session"})
		return
	}
	var body struct {
		TOTP string `json:"totp"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{`want {"totp": "..."}`})
		return
	}
	name, err := c.o.Operators.Confirm(v.enrolID, strings.TrimSpace(body.TOTP), clientAddr(r))
	if err != nil {
		code, msg := http.StatusServiceUnavailable, err.Error()
		switch {
		case errors.Is(err, operator.ErrDenied):
			code, msg = http.StatusUnauthorized, "wrong code: enter the code the authenticator app shows for the new secret"
		case errors.Is(err, operator.ErrRateLimited):
			code = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(operator.DefaultFailWindow/time.Second)))
		case errors.Is(err, operator.ErrNoEnrolment), errors.Is(err, operator.ErrUnknown):
			code = http.StatusNotFound
			c.sess.setEnrol(k, "")
		}
		c.enrolAudit(r, v.operator, "totp_confirm", "", "refused", msg)
		writeJSON(w, code, apiError{msg})
		return
	}
	c.sess.setEnrol(k, "")
	if v.admin {
		// A reset: whoever holds the old device is logged out.
		c.sess.endOperator(name)
	}
	c.enrolAudit(r, v.operator, "totp_confirm", name, "ok", "")
	writeJSON(w, http.StatusOK, map[string]string{"operator": name, "enrolled": "ok"})
}
