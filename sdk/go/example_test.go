package ward_test

import (
	"fmt"
	"strings"

	ward "github.com/wardgate/ward/sdk/go"
)

// A complete guard: it denies prompts longer than a configured limit. In a
// guard program the Guard is passed to ward.Register from init and main is
// empty; here ward.NewInstance runs it on the host, as a test would.
func Example() {
	var maxLen int
	guard := ward.Guard{
		Name:         "maxlen",
		Version:      "1.0.0",
		ConfigSchema: map[string]string{"max": "integer > 0, default 1000: longest message in bytes"},
		Configure: func(c *ward.Config) error {
			var err error
			if maxLen, err = c.Int("max", 1000); err != nil {
				return err
			}
			if maxLen <= 0 {
				return ward.ConfigError{Key: "max", Msg: "must be > 0"}
			}
			return nil
		},
		Request: func(x *ward.Exchange, v *ward.Verdict) {
			for i := range x.Messages {
				if len(x.Messages[i].Text) > maxLen {
					v.Deny(413, "maxlen.exceeded", "message too long")
					return
				}
			}
		},
	}
	// func init() { ward.Register(guard) }; func main() {}

	in, _ := ward.NewInstance(guard)
	fmt.Println(in.Configure([]byte(`{"max": 0}`)))

	in, _ = ward.NewInstance(guard)
	if err := in.Configure([]byte(`{"max": 5}`)); err != nil {
		panic(err)
	}
	v, _ := in.Check(&ward.Exchange{Phase: ward.PhaseRequest,
		Messages: []ward.Message{{Role: "user", Text: "hello, world"}}})
	fmt.Println(v.Decision, v.Status, v.Code)
	// Output:
	// max: must be > 0
	// deny 413 maxlen.exceeded
}

func ExampleConfig_Strings() {
	c, _ := ward.ParseConfig([]byte(`{"phrases": ["a", 2]}`))
	_, err := c.Strings("phrases", nil)
	fmt.Println(err)
	// Output: phrases[1]: want string, got number
}

func ExampleConfig_Table() {
	c, _ := ward.ParseConfig([]byte(`{"limits": {"burst": "ten"}}`))
	limits, _ := c.Table("limits")
	_, err := limits.Int("burst", 10)
	fmt.Println(err)
	// Output: limits.burst: want integer, got string
}

func ExampleConfig_Duration() {
	c, _ := ward.ParseConfig([]byte(`{"window": "1m30s"}`))
	d, _ := c.Duration("window", 0)
	fmt.Println(d)
	// Output: 1m30s
}

// A handler that redacts instead of denying: it rewrites message i and
// leaves a score and an annotation for later guards.
func ExampleVerdict_Rewrite() {
	in, _ := ward.NewInstance(ward.Guard{Name: "redact", Version: "1.0.0",
		Request: func(x *ward.Exchange, v *ward.Verdict) {
			for i := range x.Messages {
				if t := x.Messages[i].Text; strings.Contains(t, "4111") {
					v.Rewrite(i, strings.ReplaceAll(t, "4111", "****"))
					v.Score("redact.pan", 1)
					v.Annotate("redact.count", "1")
				}
			}
		}})
	_ = in.Configure(nil)
	v, _ := in.Check(&ward.Exchange{Phase: ward.PhaseRequest,
		Messages: []ward.Message{{Role: "user", Text: "card 4111 ok"}}})
	fmt.Println(v.Decision, v.Rewrites[0].Text, v.Scores[0].Name, v.Annotations[0].Value)
	// Output: allow card **** ok redact.pan 1
}

func ExampleDeny() {
	v := ward.Deny(429, "quota.exceeded", "slow down")
	v.AddReason("42 requests in 1m")
	fmt.Println(v.Decision, v.Status, v.Code, v.Message, v.Reasons)
	// Output: deny 429 quota.exceeded slow down [42 requests in 1m]
}
