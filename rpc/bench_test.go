package rpc

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchClients is the number of concurrent HTTP clients in the RPC
// benchmarks (the measurement point).
const benchClients = 16

// benchHTTP sends body b.N times over real HTTP (loopback TCP, keep-alive)
// from benchClients goroutines and reports requests per second.
func benchHTTP(b *testing.B, body string) {
	ts := newTestServer(b, nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}}
	defer client.CloseIdleConnections()
	payload := []byte(body)
	var wg sync.WaitGroup
	var failed sync.Once
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < benchClients; c++ {
		n := b.N / benchClients
		if c < b.N%benchClients {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n {
				resp, err := client.Post(ts.url, "application/json", bytes.NewReader(payload))
				if err != nil {
					failed.Do(func() { b.Error(err) })
					return
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Contains(out, []byte(`"result"`)) {
					failed.Do(func() { b.Errorf("bad response %d %s", resp.StatusCode, out) })
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}

func BenchmarkBlockNumber(b *testing.B) {
	benchHTTP(b, `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`)
}

func BenchmarkGetBalance(b *testing.B) {
	benchHTTP(b, `{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000042","latest"]}`)
}

// BenchmarkServeBody measures the dispatch path without HTTP.
func BenchmarkServeBody(b *testing.B) {
	ts := newTestServer(b, nil)
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x0000000000000000000000000000000000000042","latest"]}`)
	from := &caller{}
	b.ReportAllocs()
	for b.Loop() {
		ans, _ := ts.serveBody(b.Context(), body, from)
		ans.release()
	}
}

// BenchmarkLargeAnswer measures the allocations of serving one large
// eth_call answer through serveBody (no HTTP): 3 MiB of revert data, a 6
// MiB answer, is what scripts/fault_hostile.sh asks for.
func BenchmarkLargeAnswer(b *testing.B) {
	const size = 3 << 20
	raw := bytes.Repeat([]byte{0xab}, size)
	cases := []struct {
		name  string
		exec  *bigExec
		batch int
	}{
		{"revert-3MiB", &bigExec{data: raw, reverted: true}, 0},
		{"revert-reason-3MiB", &bigExec{data: revertData(strings.Repeat("x", size)), reverted: true}, 0},
		{"return-3MiB", &bigExec{data: raw}, 0},
		{"batch-4x1MiB", &bigExec{data: raw[:1<<20], reverted: true}, 4},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			ts := newTestServer(b, func(c *Config) { c.Exec = tc.exec })
			body := []byte(bigCallBody(tc.batch))
			from := &caller{}
			b.ReportAllocs()
			var n int
			for b.Loop() {
				ans, _ := ts.serveBody(b.Context(), body, from)
				n = ans.size
				ans.release()
			}
			b.ReportMetric(float64(n), "answer-bytes")
		})
	}
}
