package chain

import (
	"math/rand/v2"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestReceiptsRootParallel checks that hashing receipts on several
// goroutines gives the consensus receipts root, at sizes around the
// threshold and above it.
func TestReceiptsRootParallel(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(61, 62))
	for _, n := range []int{0, 1, 2, 127, 128, 255, 256, 257, 1000, 1001} {
		receipts := make([]*types.Receipt, n)
		var cum uint64
		for i := range receipts {
			r := &types.Receipt{Status: uint64(rng.IntN(2)), GasUsed: 21000 + rng.Uint64N(1000)}
			cum += r.GasUsed
			r.CumulativeGasUsed = cum
			if rng.IntN(3) == 0 {
				l := &types.Log{Address: types.Address{byte(i)}, Topics: []types.Hash{{byte(i >> 8), byte(i)}}, Data: []byte{byte(i)}}
				r.Logs = []*types.Log{l}
				r.Bloom = types.BloomFromLogs(r.Logs)
			}
			receipts[i] = r
		}
		if got, want := receiptsRoot(receipts), types.ReceiptsRoot(receipts); got != want {
			t.Fatalf("%d receipts: root %s, want %s", n, got, want)
		}
	}
}
