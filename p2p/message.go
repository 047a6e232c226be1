package p2p

import (
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/quarry-chain/quarry/chain/types"
)

// Wire limits. They bound what one message can make us decode and hold.
const (
	// MaxHeadersPerMsg is the most headers a Headers message carries and
	// the largest Max a GetHeaders may ask for (2000 x 212 bytes = 424 KB).
	MaxHeadersPerMsg = 2000
	// MaxBlocksPerMsg is the most hashes a GetBlocks asks for and the most
	// blocks a Blocks message carries.
	MaxBlocksPerMsg = 128
	// MaxLocatorHashes is the most hashes in a block locator. A locator
	// steps back exponentially, so 64 entries reach 2^50 blocks and more.
	MaxLocatorHashes = 64
	// MaxPooledTxsPerMsg is the most hashes a PooledTxHashes announcement
	// or a GetPooledTxs request carries and the most transactions a
	// PooledTxs response carries (256 x 32 bytes = 8 KB of hashes).
	MaxPooledTxsPerMsg = 256
	// maxWorkBytes: total work is a sum of values below 2^256 over fewer
	// than 2^64 blocks, so it fits 40 bytes; 32 is plenty in practice and
	// we accept no more.
	maxWorkBytes = 32
)

// Kind identifies a message on the wire: the first byte of its encoding.
type Kind uint8

// Message kinds.
const (
	KindStatus     Kind = 1 // StatusMsg: handshake request and response
	KindGetHeaders Kind = 2 // GetHeadersMsg: request headers by locator
	KindHeaders    Kind = 3 // HeadersMsg: response to GetHeaders
	KindGetBlocks  Kind = 4 // GetBlocksMsg: request blocks by hash
	KindBlocks     Kind = 5 // BlocksMsg: response to GetBlocks
	// KindPooledTxHashes: PooledTxHashesMsg, an announcement of pooled
	// transactions (no response).
	KindPooledTxHashes Kind = 6
	KindGetPooledTxs   Kind = 7 // GetPooledTxsMsg: request transactions by hash
	KindPooledTxs      Kind = 8 // PooledTxsMsg: response to GetPooledTxs
)

// String implements fmt.Stringer.
func (k Kind) String() string {
	switch k {
	case KindStatus:
		return "Status"
	case KindGetHeaders:
		return "GetHeaders"
	case KindHeaders:
		return "Headers"
	case KindGetBlocks:
		return "GetBlocks"
	case KindBlocks:
		return "Blocks"
	case KindPooledTxHashes:
		return "PooledTxHashes"
	case KindGetPooledTxs:
		return "GetPooledTxs"
	case KindPooledTxs:
		return "PooledTxs"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Message is one of the message types of this file.
type Message interface {
	Kind() Kind
	// appendPayload appends the encoding after the kind byte.
	appendPayload(dst []byte) []byte
}

// StatusMsg is the handshake: who we are (network, protocol version) and
// where our chain is.
type StatusMsg struct {
	Version uint32
	ChainID uint64
	Genesis types.Hash
	Head    Head
}

// GetHeadersMsg asks for the headers of the responder's active chain after
// the first locator hash it knows, up to Stop (inclusive; zero for none) and
// at most Max (1..MaxHeadersPerMsg) of them.
type GetHeadersMsg struct {
	Locator []types.Hash
	Stop    types.Hash
	Max     uint32
}

// HeadersMsg answers GetHeaders: consecutive headers in ascending height.
type HeadersMsg struct {
	Headers []*types.Header
}

// GetBlocksMsg asks for blocks by hash.
type GetBlocksMsg struct {
	Hashes []types.Hash
}

// BlocksMsg answers GetBlocks: the blocks the responder has, in the order
// they were asked for, possibly fewer (unknown ones are left out, and a
// responder may stop early to bound the message size).
type BlocksMsg struct {
	Blocks []*types.Block
}

// PooledTxHashesMsg announces transactions in the sender's pool, so that
// the receiver can fetch those it lacks with GetPooledTxs.
type PooledTxHashesMsg struct {
	Hashes []types.Hash
}

// GetPooledTxsMsg asks for pooled transactions by hash.
type GetPooledTxsMsg struct {
	Hashes []types.Hash
}

// PooledTxsMsg answers GetPooledTxs: the transactions the responder has,
// in the order they were asked for, possibly fewer (unknown ones are left
// out, and a responder may stop early to bound the message size).
type PooledTxsMsg struct {
	Txs []*types.Transaction
}

// Kind implements Message.
func (*StatusMsg) Kind() Kind { return KindStatus }

// Kind implements Message.
func (*GetHeadersMsg) Kind() Kind { return KindGetHeaders }

// Kind implements Message.
func (*HeadersMsg) Kind() Kind { return KindHeaders }

// Kind implements Message.
func (*GetBlocksMsg) Kind() Kind { return KindGetBlocks }

// Kind implements Message.
func (*BlocksMsg) Kind() Kind { return KindBlocks }

// Kind implements Message.
func (*PooledTxHashesMsg) Kind() Kind { return KindPooledTxHashes }

// Kind implements Message.
func (*GetPooledTxsMsg) Kind() Kind { return KindGetPooledTxs }

// Kind implements Message.
func (*PooledTxsMsg) Kind() Kind { return KindPooledTxs }

// EncodeMessage returns the encoding of m: its kind byte, then its payload.
//
//	Status      version u32 | chain id u64 | genesis 32 | head 32 | height u64 | work
//	GetHeaders  n uvarint | n x hash 32 | stop 32 | max uvarint
//	Headers     n uvarint | n x header 212
//	GetBlocks   n uvarint | n x hash 32
//	Blocks      n uvarint | n x (len uvarint | block)
//	PooledTxHashes, GetPooledTxs
//	            n uvarint | n x hash 32
//	PooledTxs   n uvarint | n x (len uvarint | transaction)
//
// Integers are big-endian; uvarints are Go's (LEB128) in their shortest
// form; work is a length byte (0..32) and the minimal big-endian bytes of
// the total work (no leading zero). Blocks use types.Block.Encode,
// transactions types.Transaction.Encode.
func EncodeMessage(m Message) []byte {
	return m.appendPayload([]byte{byte(m.Kind())})
}

func (m *StatusMsg) appendPayload(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, m.Version)
	b = binary.BigEndian.AppendUint64(b, m.ChainID)
	b = append(b, m.Genesis[:]...)
	b = append(b, m.Head.Hash[:]...)
	b = binary.BigEndian.AppendUint64(b, m.Head.Height)
	var work []byte
	if m.Head.TotalWork != nil {
		work = m.Head.TotalWork.Bytes()
	}
	b = append(b, byte(len(work)))
	return append(b, work...)
}

func (m *GetHeadersMsg) appendPayload(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(m.Locator)))
	for _, h := range m.Locator {
		b = append(b, h[:]...)
	}
	b = append(b, m.Stop[:]...)
	return binary.AppendUvarint(b, uint64(m.Max))
}

func (m *HeadersMsg) appendPayload(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(m.Headers)))
	var enc [types.HeaderSize]byte
	for _, h := range m.Headers {
		h.EncodeTo(&enc)
		b = append(b, enc[:]...)
	}
	return b
}

func (m *GetBlocksMsg) appendPayload(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(m.Hashes)))
	for _, h := range m.Hashes {
		b = append(b, h[:]...)
	}
	return b
}

func (m *PooledTxHashesMsg) appendPayload(b []byte) []byte { return appendHashes(b, m.Hashes) }

func (m *GetPooledTxsMsg) appendPayload(b []byte) []byte { return appendHashes(b, m.Hashes) }

func appendHashes(b []byte, hashes []types.Hash) []byte {
	b = binary.AppendUvarint(b, uint64(len(hashes)))
	for _, h := range hashes {
		b = append(b, h[:]...)
	}
	return b
}

func (m *PooledTxsMsg) appendPayload(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(m.Txs)))
	for _, tx := range m.Txs {
		b = binary.AppendUvarint(b, uint64(tx.Size()))
		b, _ = tx.AppendBinary(b)
	}
	return b
}

func (m *BlocksMsg) appendPayload(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(m.Blocks)))
	for _, blk := range m.Blocks {
		b = binary.AppendUvarint(b, uint64(blk.Size()))
		b, _ = blk.AppendBinary(b)
	}
	return b
}

// DecodeMessage decodes one message strictly: a known kind, every count
// within its limit, canonical varints and work, blocks that types.DecodeBlock
// accepts, and nothing left over. Every error wraps ErrMalformed. The result
// shares no memory with b.
func DecodeMessage(b []byte) (Message, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty message", ErrMalformed)
	}
	d := &decoder{b: b[1:]}
	var m Message
	switch k := Kind(b[0]); k {
	case KindStatus:
		m = d.status()
	case KindGetHeaders:
		m = d.getHeaders()
	case KindHeaders:
		m = d.headers()
	case KindGetBlocks:
		m = d.getBlocks()
	case KindBlocks:
		m = d.blocks()
	case KindPooledTxHashes:
		m = &PooledTxHashesMsg{Hashes: d.hashes(MaxPooledTxsPerMsg, "announced hash")}
	case KindGetPooledTxs:
		m = &GetPooledTxsMsg{Hashes: d.hashes(MaxPooledTxsPerMsg, "transaction hash")}
	case KindPooledTxs:
		m = d.pooledTxs()
	default:
		return nil, fmt.Errorf("%w: %d", ErrUnknownKind, b[0])
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d bytes after %v", ErrTrailingBytes, len(d.b), m.Kind())
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}

// decoder reads fields from b; the first error sticks and later reads
// return zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.fail(fmt.Errorf("%w: %s: need %d bytes, have %d", ErrMalformed, what, n, len(d.b)))
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) u32(what string) uint32 {
	if v := d.take(4, what); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}

func (d *decoder) u64(what string) uint64 {
	if v := d.take(8, what); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (d *decoder) hash(what string) types.Hash {
	var h types.Hash
	copy(h[:], d.take(types.HashLength, what))
	return h
}

// uvarint reads a canonical uvarint no larger than max.
func (d *decoder) uvarint(max uint64, what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(fmt.Errorf("%w: %s: bad varint", ErrMalformed, what))
		return 0
	}
	if n != uvarintLen(v) {
		d.fail(fmt.Errorf("%w: %s: varint of %d bytes for %d", ErrNonCanonical, what, n, v))
		return 0
	}
	if v > max {
		d.fail(fmt.Errorf("%w: %s: %d, limit %d", ErrTooManyItems, what, v, max))
		return 0
	}
	d.b = d.b[n:]
	return v
}

func uvarintLen(v uint64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], v)
}

func (d *decoder) status() *StatusMsg {
	m := &StatusMsg{
		Version: d.u32("status version"),
		ChainID: d.u64("status chain id"),
		Genesis: d.hash("status genesis"),
	}
	m.Head.Hash = d.hash("status head")
	m.Head.Height = d.u64("status height")
	var n int
	if l := d.take(1, "status work length"); l != nil {
		n = int(l[0])
	}
	if n > maxWorkBytes {
		d.fail(fmt.Errorf("%w: status work of %d bytes, limit %d", ErrTooManyItems, n, maxWorkBytes))
		return m
	}
	work := d.take(n, "status work")
	if n > 0 && work != nil && work[0] == 0 {
		d.fail(fmt.Errorf("%w: status work has a leading zero", ErrNonCanonical))
	}
	m.Head.TotalWork = new(big.Int).SetBytes(work)
	return m
}

func (d *decoder) getHeaders() *GetHeadersMsg {
	n := d.uvarint(MaxLocatorHashes, "locator length")
	m := &GetHeadersMsg{Locator: make([]types.Hash, 0, n)}
	for i := uint64(0); i < n && d.err == nil; i++ {
		m.Locator = append(m.Locator, d.hash("locator hash"))
	}
	m.Stop = d.hash("stop hash")
	m.Max = uint32(d.uvarint(MaxHeadersPerMsg, "max headers"))
	if d.err == nil && m.Max == 0 {
		d.fail(fmt.Errorf("%w: GetHeaders asks for 0 headers", ErrMalformed))
	}
	return m
}

func (d *decoder) headers() *HeadersMsg {
	n := d.uvarint(MaxHeadersPerMsg, "header count")
	// Check the length before allocating: n headers need n x 212 bytes.
	if d.err == nil && uint64(len(d.b)) < n*types.HeaderSize {
		d.fail(fmt.Errorf("%w: %d headers need %d bytes, have %d", ErrMalformed, n, n*types.HeaderSize, len(d.b)))
	}
	m := &HeadersMsg{}
	if d.err != nil {
		return m
	}
	m.Headers = make([]*types.Header, 0, n)
	for i := uint64(0); i < n; i++ {
		h, err := types.DecodeHeader(d.take(types.HeaderSize, "header"))
		if err != nil {
			d.fail(fmt.Errorf("%w: header %d: %w", ErrMalformed, i, err))
			return m
		}
		m.Headers = append(m.Headers, h)
	}
	return m
}

func (d *decoder) getBlocks() *GetBlocksMsg {
	n := d.uvarint(MaxBlocksPerMsg, "hash count")
	m := &GetBlocksMsg{Hashes: make([]types.Hash, 0, n)}
	for i := uint64(0); i < n && d.err == nil; i++ {
		m.Hashes = append(m.Hashes, d.hash("block hash"))
	}
	return m
}

func (d *decoder) blocks() *BlocksMsg {
	n := d.uvarint(MaxBlocksPerMsg, "block count")
	m := &BlocksMsg{Blocks: make([]*types.Block, 0, n)}
	for i := uint64(0); i < n && d.err == nil; i++ {
		size := d.uvarint(types.MaxBlockDecodeSize, "block size")
		enc := d.take(int(size), "block")
		if d.err != nil {
			break
		}
		blk, err := types.DecodeBlock(enc)
		if err != nil {
			d.fail(fmt.Errorf("%w: block %d: %w", ErrMalformed, i, err))
			break
		}
		m.Blocks = append(m.Blocks, blk)
	}
	return m
}

// hashes reads a count (at most max) and that many hashes. The count is
// checked against the bytes left before allocating.
func (d *decoder) hashes(max uint64, what string) []types.Hash {
	n := d.uvarint(max, what+" count")
	if d.err == nil && uint64(len(d.b)) < n*types.HashLength {
		d.fail(fmt.Errorf("%w: %d hashes need %d bytes, have %d", ErrMalformed, n, n*types.HashLength, len(d.b)))
	}
	if d.err != nil {
		return nil
	}
	out := make([]types.Hash, n)
	for i := range out {
		out[i] = d.hash(what)
	}
	return out
}

func (d *decoder) pooledTxs() *PooledTxsMsg {
	n := d.uvarint(MaxPooledTxsPerMsg, "transaction count")
	m := &PooledTxsMsg{Txs: make([]*types.Transaction, 0, n)}
	for i := uint64(0); i < n && d.err == nil; i++ {
		size := d.uvarint(types.MaxTxSize, "transaction size")
		enc := d.take(int(size), "transaction")
		if d.err != nil {
			break
		}
		tx, err := types.DecodeTransaction(enc)
		if err != nil {
			d.fail(fmt.Errorf("%w: transaction %d: %w", ErrMalformed, i, err))
			break
		}
		m.Txs = append(m.Txs, tx)
	}
	return m
}
