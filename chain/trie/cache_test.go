package trie

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// TestCacheCompactNodes checks that plain inner nodes come back from the
// compact records exactly as decoded, that every kind of node is found,
// and that a cached node whose parent wants another hash is reported as
// corrupt instead of being used.
func TestCacheCompactNodes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(21, 22))
	tr, s := newTrie(t, 1<<40)
	var batch []Change
	for range 500 {
		batch = append(batch, Change{Key: randKey(rng), Value: randValue(rng)})
	}
	update(t, tr, s, batch)
	plainNodes, others := 0, 0
	// Walk the stored tree from the root, comparing each cached node with
	// its decoded stored form.
	type item struct {
		pos  position
		want [32]byte
	}
	stack := []item{{position{}, tr.Root()}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b, err := s.Get(it.pos.storageKey())
		if err != nil {
			t.Fatalf("node at %s: %v", it.pos, err)
		}
		stored, err := decodeNode(b)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := tr.cache.get(it.pos, it.want)
		if !ok || got == nil {
			t.Fatalf("node at %s: cached %v, ok %v", it.pos, got, ok)
		}
		if got.hash != stored.hash || got.path != stored.path || got.split != stored.split ||
			got.child != stored.child || got.leaf != stored.leaf || string(got.value) != string(stored.value) {
			t.Fatalf("node at %s: cached %+v, stored %+v", it.pos, got, stored)
		}
		if plain(it.pos, stored) {
			plainNodes++
		} else {
			others++
		}
		if !stored.leaf {
			for b := range uint(2) {
				stack = append(stack, item{childPos(&stored.path, stored.split, b), stored.child[b]})
			}
		}
	}
	if plainNodes == 0 || others == 0 {
		t.Fatalf("%d plain and %d other nodes: the test covers both kinds", plainNodes, others)
	}
	if plainNodes+others != s.Len() || tr.cache.len() != s.Len() {
		t.Fatalf("walked %d nodes, cache holds %d, store %d", plainNodes+others, tr.cache.len(), s.Len())
	}

	wrong := tr.Root()
	wrong[5] ^= 1 // the tag covers the first 8 bytes
	if n, ok := tr.cache.get(position{}, wrong); ok || n != nil {
		t.Fatalf("root under a wrong hash: node %v, ok %v", n, ok)
	}
	if _, err := tr.read(position{}, wrong); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("read under a wrong hash: err = %v, want ErrCorrupt", err)
	}
}

// TestCacheRefusesAtLimit checks that a full cache keeps the nodes of its
// deepest level instead of trading them for others as deep, and that a
// replaced node frees its room.
func TestCacheRefusesAtLimit(t *testing.T) {
	t.Parallel()
	c := newNodeCache(3*innerMem + 8) // room for three, with shrink's slack
	inner := func(bits uint16, path byte) (position, *node) {
		var k [32]byte
		k[0] = path
		pos := position{path: truncate(&k, uint(bits)), bits: bits}
		return pos, newInner(uint8(bits), &pos.path, [32]byte{path}, [32]byte{path, 1})
	}
	p0, n0 := inner(0, 0)
	p1, n1 := inner(1, 0x00)
	p2, n2 := inner(1, 0x80)
	for _, pn := range []struct {
		p position
		n *node
	}{{p0, n0}, {p1, n1}, {p2, n2}} {
		c.put(pn.p, pn.n)
	}
	if c.len() != 3 || c.used != 3*innerMem {
		t.Fatalf("cache holds %d nodes in %d bytes", c.len(), c.used)
	}
	p3, n3 := inner(2, 0x40)
	c.put(p3, n3)
	if !c.has(p1) || !c.has(p2) || c.has(p3) || c.limit != 2 {
		t.Fatalf("after a deeper put: has(1:0) %v, has(1:8) %v, has(2:4) %v, limit %d", c.has(p1), c.has(p2), c.has(p3), c.limit)
	}
	// Now level 2 is the deepest admitted, and full: refused outright.
	c.put(p3, n3)
	if c.has(p3) || c.len() != 3 {
		t.Fatalf("put at the full limit level: has %v, %d nodes", c.has(p3), c.len())
	}
	n1b := newInner(1, &p1.path, [32]byte{9}, [32]byte{8})
	c.put(p1, n1b)
	if got, ok := c.get(p1, n1b.hash); !ok || got == nil || got.child != n1b.child || c.used != 3*innerMem {
		t.Fatalf("replaced node: %v, ok %v, used %d", got, ok, c.used)
	}
}
