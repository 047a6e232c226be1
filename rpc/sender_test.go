package rpc

import (
	"strings"
	"sync"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

// mapSenderCache is a SenderCache that counts what it is asked.
type mapSenderCache struct {
	mu         sync.Mutex
	m          map[types.Hash]types.Address
	hits, adds int
}

func (c *mapSenderCache) Get(h types.Hash) (types.Address, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.m[h]
	if ok {
		c.hits++
	}
	return a, ok
}

func (c *mapSenderCache) Add(h types.Hash, a types.Address) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[h] = a
	c.adds++
}

// A submitted transaction's sender is recovered once and cached, and what
// the server serves afterwards comes from the cache, not a new recovery.
func TestSenderCache(t *testing.T) {
	t.Parallel()
	cache := &mapSenderCache{m: map[types.Hash]types.Address{}}
	ts := newTestServer(t, func(c *Config) { c.SenderCache = cache })
	f := ts.f
	tx := f.sign(&types.Transaction{Nonce: 3, GasPrice: *uint256.NewInt(1e9), Gas: 21000, To: &recipient, Value: *uint256.NewInt(1)})
	var hash string
	ts.result(t, "eth_sendRawTransaction", `["`+rawTx(tx)+`"]`, &hash)
	got, ok := cache.m[tx.Hash()]
	if !ok || cache.adds != 1 {
		t.Fatalf("after submission: cached %v (%d adds), want the sender cached once", ok, cache.adds)
	}
	want, err := types.NewSigner(tx.ChainID).Sender(tx)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("cached sender %s, want %s", got, want)
	}

	// A cache entry is trusted: plant another sender and the server serves
	// it, which shows no recovery happened.
	planted := types.Address{0xaa, 0xbb}
	cache.mu.Lock()
	cache.m[tx.Hash()] = planted
	cache.mu.Unlock()
	var served map[string]any
	ts.result(t, "eth_getTransactionByHash", `["`+hash+`"]`, &served)
	if from, _ := served["from"].(string); !strings.EqualFold(from, planted.Hex()) {
		t.Fatalf("from %v, want the cached %s", served["from"], planted.Hex())
	}
	if cache.adds != 1 {
		t.Fatalf("%d adds, want 1", cache.adds)
	}
}

// A transaction with a bad signature is refused and never cached.
func TestSenderCacheRefusesBadSignature(t *testing.T) {
	t.Parallel()
	cache := &mapSenderCache{m: map[types.Hash]types.Address{}}
	ts := newTestServer(t, func(c *Config) { c.SenderCache = cache })
	tx := ts.f.sign(&types.Transaction{Nonce: 3, GasPrice: *uint256.NewInt(1e9), Gas: 21000, To: &recipient, Value: *uint256.NewInt(1)})
	tx.S.SetUint64(0) // no valid signature has s = 0
	resp := ts.call(t, "eth_sendRawTransaction", `["`+rawTx(tx)+`"]`)
	if resp.Error == nil {
		t.Fatal("a transaction with s = 0 was accepted")
	}
	if cache.adds != 0 {
		t.Fatalf("%d adds, want none", cache.adds)
	}
}
