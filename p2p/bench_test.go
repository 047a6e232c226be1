package p2p

import (
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// BenchmarkHeadersCodec encodes and decodes a full Headers message (2,000
// headers), the unit of header sync.
func BenchmarkHeadersCodec(b *testing.B) {
	blocks := makeChain(genesisHeader(0), MaxHeadersPerMsg, 1)
	m := &HeadersMsg{}
	for _, blk := range blocks {
		m.Headers = append(m.Headers, blk.Header)
	}
	b.SetBytes(int64(len(EncodeMessage(m))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeMessage(EncodeMessage(m)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlocksCodec encodes and decodes a Blocks message of 64 blocks
// with 20 signed transfers each.
func BenchmarkBlocksCodec(b *testing.B) {
	txs := make([]*types.Transaction, 20)
	for i := range txs {
		txs[i] = signedTx(b, uint64(i))
	}
	m := &BlocksMsg{}
	for _, blk := range makeChain(genesisHeader(0), 64, 1) {
		blk.Txs = txs
		m.Blocks = append(m.Blocks, blk)
	}
	b.SetBytes(int64(len(EncodeMessage(m))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeMessage(EncodeMessage(m)); err != nil {
			b.Fatal(err)
		}
	}
}
