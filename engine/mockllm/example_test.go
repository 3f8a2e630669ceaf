package mockllm_test

import (
	"encoding/json"
	"fmt"
	"net"

	"github.com/valyala/fasthttp"
	"github.com/wardgate/ward/engine/mockllm"
)

func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(ln)
	defer mock.Close()

	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + ln.Addr().String() + "/v1/chat/completions")
	req.Header.SetMethod("POST")
	req.SetBodyString(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}`)
	if err := fasthttp.Do(req, resp); err != nil {
		panic(err)
	}
	var out struct {
		Choices []struct {
			Message struct{ Content string }
		}
		Usage struct {
			CompletionTokens int `json:"completion_tokens"`
		}
	}
	if err := json.Unmarshal(resp.Body(), &out); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode(), out.Choices[0].Message.Content, out.Usage.CompletionTokens)
	// Output: 200 Mock answer to: Hello there 5
}
