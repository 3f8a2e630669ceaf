package state

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// op and result index the pre-resolved counters of opsMetrics, so that
// counting an operation is one atomic add and no label lookup.
type op int

const (
	opIncr op = iota
	opGet
	opBatch
	opPut
	opDelete
	opList
	numOps
)

var opNames = [numOps]string{opIncr: "incr", opGet: "get", opBatch: "batch", opPut: "put", opDelete: "delete", opList: "list"}

type result int

const (
	resultOK result = iota
	resultError
	resultSkipped
	numResults
)

var resultNames = [numResults]string{resultOK: "ok", resultError: "error", resultSkipped: "skipped"}

// opsMetrics holds one backend's children of ward_state_operations_total.
// A nil *opsMetrics counts nothing.
type opsMetrics struct {
	c [numOps][numResults]prometheus.Counter
}

func (m *opsMetrics) count(o op, r result) {
	if m != nil {
		m.c[o][r].Inc()
	}
}

func newOpsMetrics(reg prometheus.Registerer, backend string) (*opsMetrics, error) {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ward_state_operations_total",
		Help: "State store operations by backend, operation (incr, get, batch: one per batch of operations; put, delete, list: records) and result (ok, error, skipped: refused while the circuit is open).",
	}, []string{"backend", "op", "result"})
	vec, err := register(reg, vec)
	if err != nil {
		return nil, err
	}
	m := &opsMetrics{}
	for o := range numOps {
		for r := range numResults {
			m.c[o][r] = vec.WithLabelValues(backend, opNames[o], resultNames[r])
		}
	}
	return m, nil
}

func newCircuitGauge(reg prometheus.Registerer, backend string) (prometheus.Gauge, error) {
	vec := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ward_state_circuit_open",
		Help: "1 while the state backend's circuit breaker is open (calls are refused without reaching the backend), else 0.",
	}, []string{"backend"})
	vec, err := register(reg, vec)
	if err != nil {
		return nil, err
	}
	return vec.WithLabelValues(backend), nil
}

// register registers c, or returns the collector of the same kind already
// registered under its name, so that several stores (a config reload, two
// backends) share one metric family.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	var zero C
	return zero, fmt.Errorf("state: registering metrics: %w", err)
}
