package state

import (
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// DefaultAccountCacheBytes is the account cache budget used when
// Config.AccountCacheBytes is 0: 32 MiB, about 260,000 accounts.
const DefaultAccountCacheBytes = 32 << 20

// accountEntryMem is the memory the account cache accounts per entry: the
// address and account (92 bytes) in a map slot, with the map's control
// bytes and load-factor slack.
const accountEntryMem = 128

// accountCache keeps decoded accounts of the committed state, present or
// absent, so that executing a block reads the accounts it touches from
// memory instead of the store: a store read costs microseconds (tables,
// bloom filters, block cache, decoding), tens of milliseconds per block of
// a thousand transfers on a large state. It is bounded by a byte budget
// and evicts arbitrary entries (the map's iteration order) when full:
// accounts are touched at random, so no entry is a better bet than
// another.
//
// It is safe for concurrent use. It only ever describes the committed
// state: a change's accounts enter it when the change is written
// (publish), and a value read from the store enters it only if no change
// was prepared or published since the read began (add with the generation
// of begin), so a read that raced with a change never overwrites what the
// change published.
type accountCache struct {
	mu      sync.Mutex
	budget  int64 // bytes; <= 0: disabled
	gen     uint64
	entries map[types.Address]cachedAccount
	hits    uint64 // lookups answered, for CacheStats
	misses  uint64
}

// cachedAccount is an account as committed: its value, or absent.
type cachedAccount struct {
	acct   Account
	exists bool
}

func newAccountCache(budget int64) *accountCache {
	switch {
	case budget == 0:
		budget = DefaultAccountCacheBytes
	case budget < 0:
		budget = 0
	}
	return &accountCache{budget: budget, entries: make(map[types.Address]cachedAccount)}
}

// capacity is how many entries fit the budget.
func (c *accountCache) capacity() int { return int(c.budget / accountEntryMem) }

// get returns addr's committed account and whether it exists, if cached.
func (c *accountCache) get(addr types.Address) (Account, bool, bool) {
	c.mu.Lock()
	e, ok := c.entries[addr]
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	c.mu.Unlock()
	return e.acct, e.exists, ok
}

// begin returns the generation to pass to add for a store read about to
// start.
func (c *accountCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// add caches a value read from the store, unless the committed state may
// have changed since begin returned gen.
func (c *accountCache) add(addr types.Address, acct Account, exists bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.budget <= 0 {
		return
	}
	c.entries[addr] = cachedAccount{acct, exists}
	c.fit()
}

// prepare marks that a change is being prepared: reads that began before
// may see the store before or after it, and must not be cached. If the
// previous change was never published (its batch was dropped, or its
// write failed), the store may or may not hold it, so the cache starts
// over.
func (c *accountCache) prepare(dropped bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if dropped {
		clear(c.entries)
	}
}

// publish records the accounts of a change now written to the store.
func (c *accountCache) publish(changes []accountWrite) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.budget <= 0 {
		return
	}
	if len(changes) > c.capacity()/2 {
		// A genesis or a bulk change: it would only evict itself.
		clear(c.entries)
		return
	}
	for _, w := range changes {
		c.entries[w.addr] = cachedAccount{w.acct, w.exists}
	}
	c.fit()
}

// fit evicts entries until the cache is within its budget, with a margin
// of a 64th of it so that evictions come in batches.
func (c *accountCache) fit() {
	limit := c.capacity()
	if len(c.entries) <= limit {
		return
	}
	target := limit - limit/64
	for addr := range c.entries {
		if len(c.entries) <= target {
			break
		}
		delete(c.entries, addr)
	}
}

// accountWrite is one account a change writes: its new value, or absent.
type accountWrite struct {
	addr   types.Address
	acct   Account
	exists bool
}
