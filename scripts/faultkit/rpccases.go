package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// rpcCase is one hostile-RPC attack and the clean outcome it must get.
type rpcCase struct {
	name string
	want string // the expected outcome, for the report
	run  func(ctx context.Context, a *rpcAttack) caseOutcome
}

// caseOutcome is what a case saw.
type caseOutcome struct {
	got  string
	pass bool
	skip string // non-empty: not run, and why
}

// rpcAttack is what the cases work with.
type rpcAttack struct {
	ep  endpoint
	cfg *rpcConfig
}

// failed is the outcome of a case whose exchange itself failed.
func failed(err error) caseOutcome { return caseOutcome{got: err.Error()} }

// jsonBody is a request with a fixed body.
func jsonBody(s string) rawRequest {
	return rawRequest{body: strings.NewReader(s), length: int64(len(s))}
}

// fillReader yields n copies of one byte: a large body without holding it.
type fillReader struct {
	b byte
	n int64
}

func (r *fillReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), r.n)
	for i := range p[:n] {
		p[i] = r.b
	}
	r.n -= n
	return int(n), nil
}

// bigParamBody returns a request body of exactly size bytes: a web3_sha3
// call whose one parameter is a hex string of zeros.
func bigParamBody(size int64) io.Reader {
	const prefix, suffix = `{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x`, `"]}`
	return io.MultiReader(strings.NewReader(prefix), &fillReader{'0', size - int64(len(prefix)+len(suffix))}, strings.NewReader(suffix))
}

// expectError returns a case that posts body and wants one JSON-RPC error
// response with code, over HTTP status.
func expectError(body string, status, code int) func(context.Context, *rpcAttack) caseOutcome {
	return expectErrorReq(jsonBody(body), status, code)
}

func expectErrorReq(req rawRequest, status, code int) func(context.Context, *rpcAttack) caseOutcome {
	return func(ctx context.Context, a *rpcAttack) caseOutcome {
		ex, err := a.ep.do(ctx, req)
		if err != nil {
			return failed(err)
		}
		out := caseOutcome{got: ex.describe()}
		r, err := ex.single()
		out.pass = err == nil && ex.status == status && r.Error != nil && r.Error.Code == code
		return out
	}
}

// expectStatus returns a case that sends req and wants HTTP status.
func expectStatus(req rawRequest, status int) func(context.Context, *rpcAttack) caseOutcome {
	return func(ctx context.Context, a *rpcAttack) caseOutcome {
		ex, err := a.ep.do(ctx, req)
		if err != nil {
			return failed(err)
		}
		return caseOutcome{got: ex.describe(), pass: ex.status == status}
	}
}

// repeatJoin returns n copies of elem(i) joined by commas.
func repeatJoin(n int, elem func(i int) string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(elem(i))
	}
	return b.String()
}

// quickCases are the attacks that end in one exchange, run one after the
// other. Limits come from the flags, whose defaults are the node's.
func quickCases(cfg *rpcConfig) []rpcCase {
	ok := http.StatusOK
	return []rpcCase{
		{"malformed-json", "HTTP 200, error -32700",
			expectError(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"`, ok, codeParseError)},
		{"not-an-object", "HTTP 200, error -32600",
			expectError(`"eth_blockNumber"`, ok, codeInvalidRequest)},
		{"bad-id", "HTTP 200, error -32600",
			expectError(`{"jsonrpc":"2.0","id":{"x":1},"method":"eth_blockNumber"}`, ok, codeInvalidRequest)},
		{"unknown-method", "HTTP 200, error -32601",
			expectError(`{"jsonrpc":"2.0","id":1,"method":"eth_frobnicate","params":[]}`, ok, codeMethodNotFound)},
		{"bad-params", "HTTP 200, error -32602",
			expectError(`{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["not an address","latest"]}`, ok, codeInvalidParams)},
		{"huge-params-array", "HTTP 200, error -32602",
			expectError(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[`+repeatJoin(200_000, func(int) string { return "0" })+`]}`, ok, codeInvalidParams)},
		{"wrong-content-type", "HTTP 415",
			expectStatus(rawRequest{contentType: "text/plain", body: strings.NewReader("{}"), length: 2}, http.StatusUnsupportedMediaType)},
		{"get-request", "HTTP 405",
			expectStatus(rawRequest{method: http.MethodGet, contentType: "-"}, http.StatusMethodNotAllowed)},
		{"huge-header", "HTTP 431",
			expectStatus(rawRequest{headers: map[string]string{"X-Junk": strings.Repeat("a", 128<<10)}, body: strings.NewReader("{}"), length: 2},
				http.StatusRequestHeaderFieldsTooLarge)},
		{"huge-body", fmt.Sprintf("HTTP 413, error -32600 (limit %d bytes)", cfg.maxBody),
			func(ctx context.Context, a *rpcAttack) caseOutcome {
				size := cfg.maxBody + 1<<20
				return expectErrorReq(rawRequest{body: bigParamBody(size), length: size}, http.StatusRequestEntityTooLarge, codeInvalidRequest)(ctx, a)
			}},
		{"endless-body", "HTTP 413 long before 256 MiB are sent (chunked)", caseEndlessBody},
		{"empty-batch", "HTTP 200, error -32600", expectError(`[]`, ok, codeInvalidRequest)},
		{"huge-batch", fmt.Sprintf("HTTP 200, one error -32600 for %d requests", cfg.maxBatch+1),
			expectError("["+repeatJoin(cfg.maxBatch+1, blockNumberReq)+"]", ok, codeInvalidRequest)},
		{"full-batch", fmt.Sprintf("HTTP 200, %d results", cfg.maxBatch), caseFullBatch},
		{"garbage-batch", "HTTP 200, 4 errors -32600", caseGarbageBatch},
		{"notification-batch", "HTTP 200, empty body", caseNotificationBatch},
		{"deep-nesting", "HTTP 200, error -32600 (1,000,000 levels)",
			expectError(strings.Repeat("[", 1_000_000), ok, codeInvalidRequest)},
		{"deep-params", "HTTP 200, error -32600 (100,000 levels in params)",
			expectError(`{"jsonrpc":"2.0","id":1,"method":"eth_call","params":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+`}`, ok, codeInvalidRequest)},
		{"deep-object", "HTTP 200, error -32600 (100,000 nested objects)",
			expectError(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[`+strings.Repeat(`{"a":`, 100_000)+"1"+strings.Repeat("}", 100_000)+`]}`, ok, codeInvalidRequest)},
		{"huge-raw-tx", "HTTP 200, error -32602 or -32000 (2 MiB transaction)", caseHugeRawTx},
		{"big-response-batch", "HTTP 200, answers cut with -32003 past the batch response limit", caseBigResponseBatch},
	}
}

// blockNumberReq is request i of a batch.
func blockNumberReq(i int) string {
	return `{"jsonrpc":"2.0","id":` + strconv.Itoa(i) + `,"method":"eth_blockNumber"}`
}

// caseEndlessBody streams a chunked body of 256 MiB: the node must answer
// 413 once it has read its limit, without waiting for the rest.
func caseEndlessBody(ctx context.Context, a *rpcAttack) caseOutcome {
	const total = 256 << 20
	ex, err := a.ep.do(ctx, rawRequest{body: bigParamBody(total), length: -1})
	if err != nil {
		return failed(err)
	}
	out := caseOutcome{got: fmt.Sprintf("%s after %d MiB sent", ex.describe(), ex.sent>>20)}
	r, err := ex.single()
	out.pass = err == nil && ex.status == http.StatusRequestEntityTooLarge && r.Error != nil &&
		r.Error.Code == codeInvalidRequest && ex.sent < total
	return out
}

func caseFullBatch(ctx context.Context, a *rpcAttack) caseOutcome {
	n := a.cfg.maxBatch
	ex, err := a.ep.do(ctx, jsonBody("["+repeatJoin(n, blockNumberReq)+"]"))
	if err != nil {
		return failed(err)
	}
	rs, err := ex.batch()
	if err != nil {
		return caseOutcome{got: err.Error()}
	}
	results := 0
	for _, r := range rs {
		if r.Error == nil && len(r.Result) > 0 {
			results++
		}
	}
	return caseOutcome{got: fmt.Sprintf("HTTP %d, %d results of %d answers in %v", ex.status, results, len(rs), ex.took.Round(1e6)),
		pass: ex.status == http.StatusOK && results == n && len(rs) == n}
}

func caseGarbageBatch(ctx context.Context, a *rpcAttack) caseOutcome {
	ex, err := a.ep.do(ctx, jsonBody(`[1,"x",null,{}]`))
	if err != nil {
		return failed(err)
	}
	rs, err := ex.batch()
	if err != nil {
		return caseOutcome{got: err.Error()}
	}
	bad := 0
	for _, r := range rs {
		if r.Error != nil && r.Error.Code == codeInvalidRequest {
			bad++
		}
	}
	return caseOutcome{got: fmt.Sprintf("HTTP %d, %d errors -32600 of %d answers", ex.status, bad, len(rs)),
		pass: ex.status == http.StatusOK && bad == 4 && len(rs) == 4}
}

func caseNotificationBatch(ctx context.Context, a *rpcAttack) caseOutcome {
	n := a.cfg.maxBatch
	ex, err := a.ep.do(ctx, jsonBody("["+repeatJoin(n, func(int) string { return `{"jsonrpc":"2.0","method":"eth_blockNumber"}` })+"]"))
	if err != nil {
		return failed(err)
	}
	return caseOutcome{got: fmt.Sprintf("HTTP %d, %d-byte body", ex.status, len(ex.body)),
		pass: ex.status == http.StatusOK && len(strings.TrimSpace(string(ex.body))) == 0}
}

// caseHugeRawTx sends a 2 MiB "transaction" (beyond any transaction size
// limit, within the body limit): a clean refusal, whichever layer says it.
func caseHugeRawTx(ctx context.Context, a *rpcAttack) caseOutcome {
	body := `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x` + strings.Repeat("00", 2<<20) + `"]}`
	ex, err := a.ep.do(ctx, jsonBody(body))
	if err != nil {
		return failed(err)
	}
	out := caseOutcome{got: ex.describe()}
	r, err := ex.single()
	out.pass = err == nil && ex.status == http.StatusOK && r.Error != nil &&
		(r.Error.Code == codeInvalidParams || r.Error.Code == codeServer)
	return out
}

// revertCode is creation code that reverts with 3 MiB of zeros: about 19M
// gas of memory, within a call's gas (at most the block gas limit, 30M on
// the dev chain and testnet). In the node's VM (vm/opcodes.go) the first
// operand is the top of the stack:
//
//	PUSH3 0x300000  size
//	PUSH0           offset
//	REVERT
const revertCode = "0x623000005ffd"

// revertAnswerBytes is the size of one revertCallReq answer: the revert
// data in hex.
const revertAnswerBytes = 6 << 20

// revertCallReq is an eth_call, id i, whose answer carries 3 MiB of revert
// data (6 MiB of hex).
func revertCallReq(i int) string {
	return `{"jsonrpc":"2.0","id":` + strconv.Itoa(i) + `,"method":"eth_call","params":[{"data":"` + revertCode + `"},"latest"]}`
}

// bigResponseBatch is a batch of n revertCallReq.
func bigResponseBatch(n int) string { return "[" + repeatJoin(n, revertCallReq) + "]" }

// caseBigResponseBatch asks for 16 answers of 6 MiB each: the node must
// stop filling the batch response past its limit and answer the rest with
// -32003, not build 96 MiB.
func caseBigResponseBatch(ctx context.Context, a *rpcAttack) caseOutcome {
	const n = 16
	ex, err := a.ep.do(ctx, jsonBody(bigResponseBatch(n)))
	if err != nil {
		return failed(err)
	}
	rs, err := ex.batch()
	if err != nil {
		return caseOutcome{got: err.Error()}
	}
	if len(rs) > 0 && rs[0].Error != nil && rs[0].Error.Code == codeMethodNotFound {
		return caseOutcome{skip: "the node serves no eth_call"}
	}
	cut, reverted := 0, 0
	for _, r := range rs {
		switch {
		case r.Error == nil:
		case r.Error.Code == codeRespTooLarge:
			cut++
		case r.Error.Code == codeReverted:
			reverted++
		}
	}
	limit := int64(a.cfg.maxBatchResponse) + revertAnswerBytes + 1<<20 // the limit, plus the answer that crossed it
	return caseOutcome{
		got: fmt.Sprintf("HTTP %d, %d answers (%d reverted, %d cut), %d MiB in %v",
			ex.status, len(rs), reverted, cut, len(ex.body)>>20, ex.took.Round(1e6)),
		pass: ex.status == http.StatusOK && len(rs) == n && cut > 0 && reverted > 0 && int64(len(ex.body)) <= limit,
	}
}
