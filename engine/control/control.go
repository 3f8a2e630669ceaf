// Package control is Ward's control plane, off the request path:
//
//   - reload builds, self-tests and publishes pipelines (files, SIGHUP,
//     admin API), keeps the last known good for rollback and drains
//     retired pipelines;
//   - admin serves the admin API (guards, reload, rollback, metrics,
//     health) on its own listener;
//   - audit writes one JSON line per request;
//   - metrics counts requests, guard calls and verdicts, reloads;
//   - console serves the web console on the admin listener.
//
// The data plane (engine/proxy) only offers a hook, proxy.Observer, that
// metrics, audit and the console's recorder implement; Tee feeds them.
package control

import "github.com/wardgate/ward/engine/proxy"

// Tee is an observer that passes each record to every observer, in order.
type Tee []proxy.Observer

var _ proxy.Observer = Tee(nil)

// ObserveRequest implements proxy.Observer.
func (t Tee) ObserveRequest(r *proxy.Record) {
	for _, o := range t {
		o.ObserveRequest(r)
	}
}
