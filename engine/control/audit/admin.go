package audit

import (
	"strconv"
	"time"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/pipeline"
)

var _ admin.Auditor = (*Logger)(nil)

// adminWait bounds how long an admin action waits for room in the queue:
// admin actions are rare and should not be lost to a burst of requests.
const adminWait = time.Second

// AdminAction implements admin.Auditor: it writes a as one line of kind
// "admin" into the same log as the requests'. It waits up to a second for
// room in the queue, then drops the line and counts it.
func (l *Logger) AdminAction(a *admin.Action) {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return
	}
	bp := l.bufs.Get().(*[]byte)
	*bp = AppendAdmin((*bp)[:0], a)
	t := time.NewTimer(adminWait)
	defer t.Stop()
	select {
	case l.q <- bp:
	case <-t.C:
		l.bufs.Put(bp)
		if l.o.Counter != nil {
			l.o.Counter.AuditDropped()
		}
	}
}

// AppendAdmin appends a as one JSON line (with its newline) to dst:
//
//	{"kind":"admin","time":"...","operator":"token","action":"promote","target":"pii",
//	 "result":"ok","error":"","generation":7,"remote":"127.0.0.1:50412"}
//
// The error text is capped at 1 KiB.
func AppendAdmin(dst []byte, a *admin.Action) []byte {
	dst = append(dst, `{"kind":"admin","time":"`...)
	dst = a.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","operator":`...)
	dst = appendString(dst, a.Operator, 128)
	dst = append(dst, `,"action":`...)
	dst = appendString(dst, a.Action, 64)
	dst = append(dst, `,"target":`...)
	dst = appendString(dst, a.Target, 128)
	dst = append(dst, `,"result":`...)
	dst = appendString(dst, a.Result, 16)
	dst = append(dst, `,"error":`...)
	dst = appendString(dst, a.Error, 1024)
	dst = append(dst, `,"generation":`...)
	dst = strconv.AppendInt(dst, int64(a.Generation), 10)
	dst = append(dst, `,"remote":`...)
	dst = appendString(dst, a.Remote, 128)
	return append(dst, "}\n"...)
}

// appendCandidate appends the candidate's verdict to a guard's record
// when it disagreed with the guard (agreement is the norm and is only
// counted, in metrics).
func appendCandidate(dst []byte, g *pipeline.Record) []byte {
	c := &g.Candidate
	if !c.Ran || !c.Disagree {
		return dst
	}
	dst = append(dst, `,"candidate":{"version":`...)
	dst = appendString(dst, c.Version, 64)
	dst = append(dst, `,"verdict":"`...)
	dst = append(dst, c.Outcome...)
	dst = append(dst, '"')
	if c.Code != "" {
		dst = append(dst, `,"code":`...)
		dst = appendString(dst, c.Code, 128)
	}
	if c.Rewrites > 0 {
		dst = append(dst, `,"rewrites":`...)
		dst = strconv.AppendInt(dst, int64(c.Rewrites), 10)
	}
	dst = append(dst, `,"latency_us":`...)
	dst = strconv.AppendInt(dst, c.Latency.Microseconds(), 10)
	return append(dst, '}')
}
