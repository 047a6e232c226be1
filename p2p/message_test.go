package p2p

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"math/big"
	"reflect"
	"testing"

	"github.com/quarry-chain/quarry/chain/types"
)

// sampleMessages returns one message of each kind, used by the round-trip
// test and as fuzz seeds.
func sampleMessages(t testing.TB) map[string]Message {
	t.Helper()
	g := genesisHeader(0)
	blocks := makeChain(g, 3, 7)
	withTx := &types.Block{Header: blocks[0].Header, Txs: []*types.Transaction{signedTx(t, 1), signedTx(t, 2)}}
	withTx.Header = &types.Header{Version: 1, Height: 1, ParentHash: g.Hash(), TxRoot: withTx.ComputeTxRoot()}
	work, _ := new(big.Int).SetString("123456789abcdef0123456789abcdef", 16)
	return map[string]Message{
		"status":          &StatusMsg{Version: 1, ChainID: 1337, Genesis: g.Hash(), Head: Head{Hash: blocks[2].Hash(), Height: 3, TotalWork: work}},
		"status_zerowork": &StatusMsg{Version: 1, ChainID: 1, Head: Head{TotalWork: new(big.Int)}},
		"getheaders":      &GetHeadersMsg{Locator: []types.Hash{blocks[2].Hash(), g.Hash()}, Stop: blocks[1].Hash(), Max: MaxHeadersPerMsg},
		"headers":         &HeadersMsg{Headers: []*types.Header{blocks[0].Header, blocks[1].Header, blocks[2].Header}},
		"headers_empty":   &HeadersMsg{Headers: []*types.Header{}},
		"getblocks":       &GetBlocksMsg{Hashes: []types.Hash{blocks[0].Hash(), blocks[1].Hash()}},
		"blocks":          &BlocksMsg{Blocks: []*types.Block{blocks[0], withTx}},
		"pooledtxhashes":  &PooledTxHashesMsg{Hashes: []types.Hash{withTx.Txs[0].Hash(), withTx.Txs[1].Hash()}},
		"getpooledtxs":    &GetPooledTxsMsg{Hashes: []types.Hash{withTx.Txs[1].Hash()}},
		"pooledtxs":       &PooledTxsMsg{Txs: withTx.Txs},
		"pooledtxs_empty": &PooledTxsMsg{Txs: []*types.Transaction{}},
	}
}

func TestMessageRoundTrip(t *testing.T) {
	t.Parallel()
	for name, m := range sampleMessages(t) {
		t.Run(name, func(t *testing.T) {
			enc := EncodeMessage(m)
			if Kind(enc[0]) != m.Kind() {
				t.Fatalf("kind byte %d, want %v", enc[0], m.Kind())
			}
			got, err := DecodeMessage(enc)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if re := EncodeMessage(got); !bytes.Equal(re, enc) {
				t.Fatalf("re-encoding differs:\n%x\n%x", re, enc)
			}
			// Compare the parts reflect can compare reliably.
			switch m := m.(type) {
			case *StatusMsg:
				g := got.(*StatusMsg)
				if g.Head.TotalWork.Cmp(m.Head.TotalWork) != 0 || g.Head.Hash != m.Head.Hash || g.Genesis != m.Genesis || g.ChainID != m.ChainID {
					t.Fatalf("status %+v, want %+v", g, m)
				}
			case *BlocksMsg:
				g := got.(*BlocksMsg)
				for i := range m.Blocks {
					if g.Blocks[i].Hash() != m.Blocks[i].Hash() || len(g.Blocks[i].Txs) != len(m.Blocks[i].Txs) {
						t.Fatalf("block %d differs", i)
					}
				}
			case *PooledTxsMsg:
				g := got.(*PooledTxsMsg)
				if len(g.Txs) != len(m.Txs) {
					t.Fatalf("%d transactions, want %d", len(g.Txs), len(m.Txs))
				}
				for i := range m.Txs {
					if g.Txs[i].Hash() != m.Txs[i].Hash() {
						t.Fatalf("transaction %d differs", i)
					}
				}
			default:
				if !reflect.DeepEqual(got, m) {
					t.Fatalf("decoded %+v, want %+v", got, m)
				}
			}
		})
	}
}

func TestDecodeMessageErrors(t *testing.T) {
	t.Parallel()
	status := EncodeMessage(&StatusMsg{Version: 1, Head: Head{TotalWork: big.NewInt(5)}})
	uv := func(v uint64) []byte { return binary.AppendUvarint(nil, v) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"unknown kind", []byte{99}, ErrUnknownKind},
		{"kind zero", []byte{0}, ErrUnknownKind},
		{"status truncated", status[:len(status)-1], ErrMalformed},
		{"status trailing", append(append([]byte{}, status...), 0), ErrTrailingBytes},
		{"status work leading zero", cat(status[:len(status)-2], []byte{2, 0, 5}), ErrNonCanonical},
		{"status work too long", cat(status[:len(status)-2], []byte{33}, make([]byte, 33)), ErrTooManyItems},
		{"getheaders locator too long", cat([]byte{byte(KindGetHeaders)}, uv(MaxLocatorHashes+1)), ErrTooManyItems},
		{"getheaders max zero", cat([]byte{byte(KindGetHeaders)}, uv(0), make([]byte, 32), uv(0)), ErrMalformed},
		{"getheaders max too big", cat([]byte{byte(KindGetHeaders)}, uv(0), make([]byte, 32), uv(MaxHeadersPerMsg+1)), ErrTooManyItems},
		{"getheaders non-canonical varint", cat([]byte{byte(KindGetHeaders)}, []byte{0x80, 0x00}), ErrNonCanonical},
		{"headers too many", cat([]byte{byte(KindHeaders)}, uv(MaxHeadersPerMsg+1)), ErrTooManyItems},
		{"headers short", cat([]byte{byte(KindHeaders)}, uv(2), make([]byte, types.HeaderSize)), ErrMalformed},
		{"getblocks too many", cat([]byte{byte(KindGetBlocks)}, uv(MaxBlocksPerMsg+1)), ErrTooManyItems},
		{"getblocks short hash", cat([]byte{byte(KindGetBlocks)}, uv(1), make([]byte, 31)), ErrMalformed},
		{"blocks garbage block", cat([]byte{byte(KindBlocks)}, uv(1), uv(3), []byte{1, 2, 3}), ErrMalformed},
		{"blocks size beyond input", cat([]byte{byte(KindBlocks)}, uv(1), uv(1000)), ErrMalformed},
		{"blocks size beyond limit", cat([]byte{byte(KindBlocks)}, uv(1), uv(types.MaxBlockDecodeSize+1)), ErrTooManyItems},
		{"pooledtxhashes too many", cat([]byte{byte(KindPooledTxHashes)}, uv(MaxPooledTxsPerMsg+1)), ErrTooManyItems},
		{"pooledtxhashes short", cat([]byte{byte(KindPooledTxHashes)}, uv(2), make([]byte, 63)), ErrMalformed},
		{"pooledtxhashes trailing", cat([]byte{byte(KindPooledTxHashes)}, uv(1), make([]byte, 33)), ErrTrailingBytes},
		{"getpooledtxs too many", cat([]byte{byte(KindGetPooledTxs)}, uv(MaxPooledTxsPerMsg+1)), ErrTooManyItems},
		{"getpooledtxs count beyond input", cat([]byte{byte(KindGetPooledTxs)}, uv(200)), ErrMalformed},
		{"pooledtxs too many", cat([]byte{byte(KindPooledTxs)}, uv(MaxPooledTxsPerMsg+1)), ErrTooManyItems},
		{"pooledtxs garbage tx", cat([]byte{byte(KindPooledTxs)}, uv(1), uv(3), []byte{1, 2, 3}), ErrMalformed},
		{"pooledtxs size beyond input", cat([]byte{byte(KindPooledTxs)}, uv(1), uv(1000)), ErrMalformed},
		{"pooledtxs size beyond limit", cat([]byte{byte(KindPooledTxs)}, uv(1), uv(types.MaxTxSize+1)), ErrTooManyItems},
		{"pooledtxs non-canonical size", cat([]byte{byte(KindPooledTxs)}, uv(1), []byte{0x83, 0x00}), ErrNonCanonical},
		{"varint overflow", cat([]byte{byte(KindGetBlocks)}, bytes.Repeat([]byte{0xff}, 11)), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeMessage(tc.in)
			if !errors.Is(err, tc.want) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("DecodeMessage = %v, %v; want %v", m, err, tc.want)
			}
		})
	}
}

func TestReadFrame(t *testing.T) {
	t.Parallel()
	good := EncodeMessage(&GetBlocksMsg{Hashes: []types.Hash{{1}}})
	frame := func(n uint64, payload []byte) []byte { return append(binary.AppendUvarint(nil, n), payload...) }
	tests := []struct {
		name string
		in   []byte
		max  int
		want error
	}{
		{"ok", frame(uint64(len(good)), good), 100, nil},
		{"too large", frame(1<<40, nil), 100, ErrMessageTooLarge},
		{"just over", frame(uint64(len(good)), good), len(good) - 1, ErrMessageTooLarge},
		{"truncated", frame(uint64(len(good)), good[:5]), 100, ErrMalformed},
		{"non-canonical length", append([]byte{0x85, 0x00}, good...), 100, ErrNonCanonical},
		{"length overflow", bytes.Repeat([]byte{0xff}, 10), 100, ErrMalformed},
		{"garbage payload", frame(3, []byte{9, 9, 9}), 100, ErrUnknownKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := readFrame(bufio.NewReader(bytes.NewReader(tc.in)), tc.max)
			if tc.want == nil {
				if err != nil || m.Kind() != KindGetBlocks {
					t.Fatalf("readFrame = %v, %v", m, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("readFrame error %v, want %v", err, tc.want)
			}
		})
	}
}

// TestErrorKinds checks that each error matches itself and no other,
// except that the decoding errors are all ErrMalformed too.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	all := []error{ErrMalformed, ErrMessageTooLarge, ErrUnknownKind, ErrTooManyItems, ErrTrailingBytes,
		ErrNonCanonical, ErrUnexpectedMessage, ErrIncompatible, ErrBadResponse, ErrTimeout, ErrNoPeers,
		ErrBadConfig, ErrBadKey, ErrNotStarted, ErrSelf, ErrBanned}
	decoding := map[error]bool{ErrUnknownKind: true, ErrTooManyItems: true, ErrTrailingBytes: true, ErrNonCanonical: true}
	for _, a := range all {
		for _, b := range all {
			want := a == b || (b == ErrMalformed && decoding[a])
			if got := errors.Is(a, b); got != want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", a, b, got, want)
			}
		}
	}
}
