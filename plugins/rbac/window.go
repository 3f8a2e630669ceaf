package rbac

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// now is the clock the guard reads for time windows; tests replace it.
// Inside Wasm it is the host's wall clock only when the guard is granted
// "clock"; otherwise wazero's fake clock (2022-01-01, +1 ms per reading).
var now = time.Now

// window restricts a role to minutes of the day and days of the week, in
// UTC. The zero window allows any time.
type window struct {
	hours    bool   // from/to are set
	from, to int    // minutes since midnight; to is exclusive; from > to wraps past midnight
	days     uint8  // bit per time.Weekday; 0 means any day
	src      string // hours as configured, for reasons
}

// parseHours parses "HH:MM-HH:MM" (24:00 allowed as an end).
func parseHours(s string) (from, to int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, errors.New(`want "HH:MM-HH:MM" in UTC, got ` + strconv.Quote(s))
	}
	if from, err = parseClock(strings.TrimSpace(a), false); err == nil {
		to, err = parseClock(strings.TrimSpace(b), true)
	}
	if err != nil {
		return 0, 0, errors.New(`want "HH:MM-HH:MM" in UTC, got ` + strconv.Quote(s))
	}
	if from == to {
		return 0, 0, errors.New("empty window " + strconv.Quote(s) + " (omit hours to allow any time)")
	}
	return from, to, nil
}

func parseClock(s string, end bool) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, errors.New("bad time")
	}
	d := func(c byte) int {
		if c < '0' || c > '9' {
			return -100
		}
		return int(c - '0')
	}
	h, m := d(s[0])*10+d(s[1]), d(s[3])*10+d(s[4])
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && (m != 0 || !end)) {
		return 0, errors.New("bad time")
	}
	return h*60 + m, nil
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// allows reports whether t (converted to UTC) is inside w, and if not
// and explain is set, a short reason (built only then: it allocates).
func (w *window) allows(t time.Time, explain bool) (bool, string) {
	t = t.UTC()
	if w.days != 0 && w.days&(1<<uint(t.Weekday())) == 0 {
		if !explain {
			return false, ""
		}
		return false, "weekday " + strings.ToLower(t.Weekday().String()[:3]) + " not allowed"
	}
	if w.hours {
		m := t.Hour()*60 + t.Minute()
		in := m >= w.from && m < w.to
		if w.from > w.to { // wraps past midnight
			in = m >= w.from || m < w.to
		}
		if !in {
			if !explain {
				return false, ""
			}
			return false, "time " + t.Format("15:04") + " UTC outside " + w.src
		}
	}
	return true, ""
}

func (w *window) set() bool { return w.hours || w.days != 0 }
