package console

import (
	"net/http"
	"time"
)

// reportWindows are the periods the Compliance view offers.
var reportWindows = map[string]time.Duration{"1h": time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour}

// report answers GET /console/api/report?window=1h|24h|7d with the
// compliance summary of the audit log over the window (audit.Report, as
// `ward report -format json` prints it). Reports are made one at a time:
// each reads and verifies the whole log.
func (c *Console) report(w http.ResponseWriter, r *http.Request) {
	if c.o.Report == nil {
		writeJSON(w, http.StatusNotFound, apiError{`no audit log to report on (the report reads [audit] sink = "file")`})
		return
	}
	win := r.URL.Query().Get("window")
	if win == "" {
		win = "24h"
	}
	d, ok := reportWindows[win]
	if !ok {
		writeJSON(w, http.StatusBadRequest, apiError{"window: want 1h, 24h or 7d"})
		return
	}
	if !c.reporting.TryLock() {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, apiError{"a report is being made; try again in a moment"})
		return
	}
	defer c.reporting.Unlock()
	now := c.o.Now()
	rep, err := c.o.Report(now.Add(-d), now)
	if rep == nil {
		writeJSON(w, http.StatusInternalServerError, apiError{"report: " + err.Error()})
		return
	}
	// A broken chain is in the report (Chain); the records before the
	// break are summarised.
	writeJSON(w, http.StatusOK, rep)
}
