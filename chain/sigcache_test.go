package chain

import (
	"sync"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

func hashN(i int) types.Hash {
	return types.Keccak256([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
}

func TestSigCacheGetAdd(t *testing.T) {
	t.Parallel()
	c := NewSigCache(64)
	h, a := hashN(1), types.Address{1}
	if _, ok := c.Get(h); ok {
		t.Fatal("empty cache hit")
	}
	c.Add(h, a)
	if got, ok := c.Get(h); !ok || got != a {
		t.Fatalf("Get = %s, %v; want %s", got, ok, a)
	}
	// Adding again keeps the first entry.
	c.Add(h, types.Address{2})
	if got, _ := c.Get(h); got != a {
		t.Fatalf("re-Add replaced the sender: %s", got)
	}
	var nop NopSigCache
	nop.Add(h, a)
	if _, ok := nop.Get(h); ok {
		t.Fatal("NopSigCache hit")
	}
}

func TestSigCacheIsBounded(t *testing.T) {
	t.Parallel()
	const capacity = 160 // 10 per shard
	c := NewSigCache(capacity).(*sigCache)
	for i := range 10_000 {
		c.Add(hashN(i), types.Address{byte(i)})
	}
	if n := c.Len(); n > capacity {
		t.Fatalf("cache holds %d entries, capacity %d", n, capacity)
	}
	// The newest entries survive, the oldest are gone.
	if _, ok := c.Get(hashN(0)); ok {
		t.Error("oldest entry survived 10,000 insertions")
	}
	hits := 0
	for i := 10_000 - 40; i < 10_000; i++ {
		if _, ok := c.Get(hashN(i)); ok {
			hits++
		}
	}
	if hits < 30 {
		t.Errorf("only %d of the 40 newest entries present", hits)
	}
}

func TestSigCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := NewSigCache(1000)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				h := hashN(w*2000 + i)
				c.Add(h, types.Address{byte(w)})
				if a, ok := c.Get(h); ok && a != (types.Address{byte(w)}) {
					t.Errorf("Get returned another worker's sender")
					return
				}
			}
		})
	}
	wg.Wait()
	if n := c.(*sigCache).Len(); n > 1008 {
		t.Fatalf("cache holds %d entries", n)
	}
}
