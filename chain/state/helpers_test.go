package state

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/params"
	"github.com/quarry-chain/quarry/chain/types"
)

// testAddr returns a distinct address for i.
func testAddr(i uint64) types.Address {
	var a types.Address
	a[0] = 0xaa
	binary.BigEndian.PutUint64(a[12:], i)
	return a
}

func u256(v uint64) *uint256.Int { return uint256.NewInt(v) }

// openTest returns a Database over an in-memory store.
func openTest(t testing.TB) (*Database, *kvdb.DB) {
	t.Helper()
	kv := kvdb.OpenMemory()
	t.Cleanup(func() { kv.Close() })
	d, err := New(Config{DB: kv})
	if err != nil {
		t.Fatal(err)
	}
	return d, kv
}

// write writes b and marks p written.
func write(t testing.TB, kv *kvdb.DB, b *kvdb.Batch, p *Pending) {
	t.Helper()
	if err := kv.Write(b); err != nil {
		t.Fatal(err)
	}
	p.Written()
}

// commit commits s into a fresh batch and writes it.
func commit(t testing.TB, kv *kvdb.DB, s *StateDB) *Pending {
	t.Helper()
	var b kvdb.Batch
	p, err := s.Commit(&b)
	if err != nil {
		t.Fatal(err)
	}
	write(t, kv, &b, p)
	return p
}

// genesisAlloc funds n accounts with 1e18 wei each.
func genesisAlloc(n int) []params.GenesisAccount {
	alloc := make([]params.GenesisAccount, n)
	for i := range alloc {
		alloc[i] = params.GenesisAccount{Address: testAddr(uint64(i)), Balance: big.NewInt(1e18)}
	}
	return alloc
}

// withGenesis returns a Database holding alloc.
func withGenesis(t testing.TB, alloc []params.GenesisAccount) (*Database, *kvdb.DB) {
	t.Helper()
	d, kv := openTest(t)
	var b kvdb.Batch
	p, err := d.WriteGenesis(&b, alloc)
	if err != nil {
		t.Fatal(err)
	}
	write(t, kv, &b, p)
	return d, kv
}

// dump returns every state record in the store as one string, so two
// states compare with ==.
func dump(t testing.TB, kv *kvdb.DB) string {
	t.Helper()
	var lines []string
	for _, p := range []byte{prefixAccount, prefixStorage, prefixTrie, prefixCode} {
		err := kv.Iterate([]byte{p}, func(k, v []byte) (bool, error) {
			lines = append(lines, fmt.Sprintf("%x=%x", k, v))
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// root returns d's committed root.
func root(t testing.TB, d *Database) types.Hash {
	t.Helper()
	r, err := d.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustStateDB(t testing.TB, d *Database) *StateDB {
	t.Helper()
	s, err := d.StateDB()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
