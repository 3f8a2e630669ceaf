package operator

import (
	"context"
	"strconv"
	"time"

	"github.com/wardgate/ward/engine/state"
)

// stepTTL keeps a claimed step well past the ±1 step window in which
// MatchTOTP accepts its code.
const stepTTL = 5 * time.Minute

// StateSteps claims TOTP steps in a state backend (in process, or Redis
// shared by the replicas), one counter per operator and step: the first
// claim counts 1.
type StateSteps struct {
	Store   state.Store
	Timeout time.Duration // per claim; default 2s
}

// Claim implements Steps.
func (s StateSteps) Claim(operator string, step uint64) (bool, error) {
	t := s.Timeout
	if t <= 0 {
		t = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), t)
	defer cancel()
	e, err := s.Store.Incr(ctx, "ward:totp:"+operator+":"+strconv.FormatUint(step, 10), 1, stepTTL)
	if err != nil {
		return false, err
	}
	return e.Value == 1, nil
}
