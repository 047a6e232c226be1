package chain

import (
	"testing"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// TestPutTxLookups checks that the lookups written in key order are the
// ones written in block order.
func TestPutTxLookups(t *testing.T) {
	t.Parallel()
	var txs []*types.Transaction
	for i := range 50 {
		to := types.Address{byte(i)}
		txs = append(txs, &types.Transaction{Type: types.LegacyTxType, ChainID: 1337, Nonce: uint64(i), Gas: 21000, To: &to})
	}
	block := types.Hash{0xbb}
	db := kvdb.OpenMemory()
	defer db.Close()
	var b kvdb.Batch
	putTxLookups(&b, txs, block)
	if err := db.Write(&b); err != nil {
		t.Fatal(err)
	}
	for i, tx := range txs {
		h, idx, err := readTxLookup(db, tx.Hash())
		if err != nil || h != block || idx != i {
			t.Fatalf("tx %d: block %s index %d, %v", i, h, idx, err)
		}
	}
}
