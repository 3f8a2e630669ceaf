package state

import (
	"context"
	"errors"
	"testing"
	"time"
)

// runRecords is the Records behaviour both backends must show. wait lets
// time pass on the store's clock.
func runRecords(t *testing.T, r Records, wait func(time.Duration)) {
	ctx := context.Background()
	if err := r.Put(ctx, "q", "b", []byte("vb"), 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := r.Put(ctx, "q", "a", []byte("va"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := r.Put(ctx, "other", "a", []byte("x"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := r.Put(ctx, "q", "z", nil, 0); !errors.Is(err, ErrInvalidTTL) {
		t.Fatalf("ttl 0: err = %v, want ErrInvalidTTL", err)
	}
	list, err := r.List(ctx, "q")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Key != "a" || string(list[0].Value) != "va" || list[1].Key != "b" || string(list[1].Value) != "vb" {
		t.Fatalf("List = %+v, want a, b", list)
	}
	if list[0].TTL <= 50*time.Second || list[0].TTL > time.Minute {
		t.Errorf("TTL of a = %v, want about 1m", list[0].TTL)
	}
	// A Put replaces value and expiry.
	if err := r.Put(ctx, "q", "a", []byte("va2"), 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	wait(300 * time.Millisecond)
	list, err = r.List(ctx, "q")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Fatalf("after expiry List = %+v, want none", list)
	}
	list, _ = r.List(ctx, "other")
	if len(list) != 1 {
		t.Fatalf("other set = %+v, want its one entry", list)
	}
	ok, err := r.Delete(ctx, "other", "a")
	if err != nil || !ok {
		t.Fatalf("Delete = %v, %v; want true", ok, err)
	}
	ok, err = r.Delete(ctx, "other", "a")
	if err != nil || ok {
		t.Fatalf("second Delete = %v, %v; want false", ok, err)
	}
	if list, _ = r.List(ctx, "other"); len(list) != 0 {
		t.Fatalf("after Delete List = %+v", list)
	}
}

func TestRecords(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		m, clk := newFakeMemory(t, MemoryOptions{})
		runRecords(t, m, clk.Advance)
	})
	t.Run("redis", func(t *testing.T) {
		srv := startRedis(t, 0)
		r := newTestRedis(t, RedisOptions{URL: srv.url()})
		runRecords(t, r, time.Sleep)
	})
}

func TestRedisReplicasShareRecords(t *testing.T) {
	srv := startRedis(t, 0)
	a := newTestRedis(t, RedisOptions{URL: srv.url()})
	b := newTestRedis(t, RedisOptions{URL: srv.url()})
	ctx := context.Background()
	if err := a.Put(ctx, "q", "ip:1.2.3.4", []byte("{}"), time.Minute); err != nil {
		t.Fatal(err)
	}
	list, err := b.List(ctx, "q")
	if err != nil || len(list) != 1 || list[0].Key != "ip:1.2.3.4" {
		t.Fatalf("replica b List = %+v, %v", list, err)
	}
	if ok, err := b.Delete(ctx, "q", "ip:1.2.3.4"); !ok || err != nil {
		t.Fatalf("b Delete = %v, %v", ok, err)
	}
	if list, _ := a.List(ctx, "q"); len(list) != 0 {
		t.Fatalf("replica a still lists %+v", list)
	}
}

func TestMemoryRecordsFull(t *testing.T) {
	m, clk := newFakeMemory(t, MemoryOptions{MaxKeys: 2})
	ctx := context.Background()
	_ = m.Put(ctx, "q", "a", nil, time.Second)
	_ = m.Put(ctx, "q", "b", nil, time.Minute)
	if err := m.Put(ctx, "q", "c", nil, time.Minute); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("third Put: err = %v, want ErrUnavailable", err)
	}
	if err := m.Put(ctx, "q", "b", []byte("again"), time.Minute); err != nil {
		t.Fatalf("replacing an entry of a full store: %v", err)
	}
	clk.Advance(2 * time.Second) // a expires and makes room
	if err := m.Put(ctx, "q", "c", nil, time.Minute); err != nil {
		t.Fatalf("Put after expiry: %v", err)
	}
}
