package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/reload"
)

// MaxModuleSize is the default bound of a module uploaded with POST
// /modules (Options.MaxModuleSize).
const MaxModuleSize = 64 << 20

// Action is one admin POST, as the audit log records it.
type Action struct {
	Time     time.Time
	Operator string // Operator of the request; "" when its token was refused
	Action   string // reload, rollback, promote, mode, upload
	Target   string // the guard, for promote, mode and upload
	// Result is ok (applied), refused (nothing was attempted: bad
	// request, unknown guard, no candidate, no token, uploads off) or
	// error (a swap was attempted and failed; the running pipeline is
	// kept).
	Result     string
	Error      string
	Generation int // the live generation afterwards
	Remote     string
}

// Auditor records admin actions. audit.Logger implements it; it must not
// block for long (the admin request waits).
type Auditor interface {
	AdminAction(a *Action)
}

// actionName is the audited name of the POST endpoint at path.
func actionName(path string) string {
	name := strings.TrimPrefix(path, "/")
	if name == "modules" {
		return "upload"
	}
	return name
}

// audit records the POST r answered with code.
func (s *Server) audit(r *http.Request, target string, code, generation int, errText string) {
	if s.o.Audit == nil || r.Method != http.MethodPost {
		return
	}
	a := &Action{Time: time.Now(), Operator: Operator(r.Context()), Action: actionName(r.URL.Path), Target: target,
		Result: "ok", Error: errText, Generation: generation, Remote: r.RemoteAddr}
	switch {
	case code == http.StatusUnprocessableEntity || code >= 500:
		a.Result = "error"
	case code >= 300:
		a.Result = "refused"
	}
	s.o.Audit.AdminAction(a)
}

// reloadCtx is the context of a reload asked for by r: not cancelled when
// the client goes away (a swap is not left half done), with r's operator.
func (s *Server) reloadCtx(r *http.Request) context.Context {
	return reload.WithOperator(context.WithoutCancel(r.Context()), Operator(r.Context()))
}

// answer writes the result of a swap request (reload, rollback, promote,
// mode, upload) and audits it: 200 applied, 400 bad value, 404 unknown
// guard, 409 nothing to roll back to or no candidate, 422 refused by the
// build or self-test (the running pipeline keeps serving).
func (s *Server) answer(w http.ResponseWriter, r *http.Request, target string, res *reload.Result, err error) {
	code := http.StatusOK
	switch {
	case err == nil:
	case errors.Is(err, reload.ErrBadValue):
		code = http.StatusBadRequest
	case errors.Is(err, reload.ErrUnknownGuard):
		code = http.StatusNotFound
	case errors.Is(err, reload.ErrNoRollback), errors.Is(err, reload.ErrNoCandidate):
		code = http.StatusConflict
	default:
		code = http.StatusUnprocessableEntity
	}
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	s.audit(r, target, code, res.Generation, errText)
	writeJSON(w, code, res)
}

// refuse answers a request refused before any swap with code and msg.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, target string, code int, msg string) {
	s.audit(r, target, code, s.o.Reloader.Status().Generation, msg)
	writeJSON(w, code, map[string]string{"error": msg})
}

// decodeBody decodes r's JSON body (at most 4 KiB, no unknown fields) into v.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %v", err)
	}
	return nil
}

func (s *Server) promote(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Guard string `json:"guard"`
	}
	if err := decodeBody(r, &body); err != nil || body.Guard == "" {
		s.refuse(w, r, body.Guard, http.StatusBadRequest, `want {"guard":"NAME"}`)
		return
	}
	res, err := s.o.Reloader.Promote(s.reloadCtx(r), body.Guard)
	s.answer(w, r, body.Guard, res, err)
}

func (s *Server) mode(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Guard string `json:"guard"`
		Mode  string `json:"mode"`
	}
	if err := decodeBody(r, &body); err != nil || body.Guard == "" {
		s.refuse(w, r, body.Guard, http.StatusBadRequest, `want {"guard":"NAME","mode":"enforce"|"observe"}`)
		return
	}
	res, err := s.o.Reloader.SetMode(s.reloadCtx(r), body.Guard, body.Mode)
	s.answer(w, r, body.Guard, res, err)
}

// modules stores the module in the body as ModuleDir/SHA256.wasm (a
// temporary file renamed, so a reload never reads half a module) and makes
// it the guard's candidate or module.
func (s *Server) modules(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	guard, sum, as := q.Get("guard"), strings.ToLower(q.Get("sha256")), q.Get("as")
	switch {
	case s.o.ModuleDir == "":
		s.refuse(w, r, guard, http.StatusForbidden, "uploads are off: set [admin] module_dir")
		return
	case guard == "" || !config.ValidSHA256(sum):
		s.refuse(w, r, guard, http.StatusBadRequest, "want ?guard=NAME&sha256=64 hex characters[&as=candidate|guard]")
		return
	case as != "" && as != "candidate" && as != "guard":
		s.refuse(w, r, guard, http.StatusBadRequest, fmt.Sprintf("as=%q (want candidate|guard)", as))
		return
	}
	known := false
	for _, g := range s.o.Reloader.Config().Guards {
		known = known || g.Name == guard
	}
	if !known {
		s.refuse(w, r, guard, http.StatusNotFound, fmt.Sprintf("no guard %q", guard))
		return
	}
	wasm, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.o.MaxModuleSize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.refuse(w, r, guard, http.StatusRequestEntityTooLarge, fmt.Sprintf("module larger than %d bytes", s.o.MaxModuleSize))
			return
		}
		s.refuse(w, r, guard, http.StatusBadRequest, "reading the module: "+err.Error())
		return
	}
	got := sha256.Sum256(wasm)
	if hex.EncodeToString(got[:]) != sum {
		s.refuse(w, r, guard, http.StatusBadRequest, fmt.Sprintf("the module's sha256 is %x, not %s", got, sum))
		return
	}
	path, err := storeModule(s.o.ModuleDir, sum, wasm)
	if err != nil {
		s.o.Log.Error("storing an uploaded module", "err", err)
		s.refuse(w, r, guard, http.StatusInternalServerError, "storing the module failed")
		return
	}
	res, err := s.o.Reloader.SetModule(s.reloadCtx(r), guard, path, sum, as == "guard")
	s.answer(w, r, guard, res, err)
}

// storeModule writes wasm to dir/SUM.wasm atomically and returns its path.
func storeModule(dir, sum string, wasm []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, sum+".wasm")
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(wasm)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return path, nil
}

// Swaps is the answer of GET /swaps.
type Swaps struct {
	LastKnownGood int              `json:"last_known_good"` // 0: none
	Swaps         []*reload.Result `json:"swaps"`           // newest first
}

func (s *Server) swaps(w http.ResponseWriter, _ *http.Request) {
	list, lkg := s.o.Reloader.History()
	if list == nil {
		list = []*reload.Result{}
	}
	writeJSON(w, http.StatusOK, Swaps{LastKnownGood: lkg, Swaps: list})
}
