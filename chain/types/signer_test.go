package types

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"github.com/holiman/uint256"
)

// txVector is one entry of testdata/transactions.json.
type txVector struct {
	Name        string  `json:"name"`
	Key         string  `json:"key"`
	Sender      string  `json:"sender"`
	Type        TxType  `json:"type"`
	ChainID     uint64  `json:"chainId"`
	Nonce       uint64  `json:"nonce"`
	GasPrice    string  `json:"gasPrice"`
	GasTipCap   string  `json:"gasTipCap"`
	GasFeeCap   string  `json:"gasFeeCap"`
	Gas         uint64  `json:"gas"`
	To          *string `json:"to"`
	Value       string  `json:"value"`
	Data        string  `json:"data"`
	SigningData string  `json:"signingData"`
	SigningHash string  `json:"signingHash"`
	V, R, S     string
	Raw         string `json:"raw"`
	Hash        string `json:"hash"`
}

func loadTxVectors(t testing.TB) []txVector {
	t.Helper()
	b, err := os.ReadFile("testdata/transactions.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Transactions []txVector `json:"transactions"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Transactions) == 0 {
		t.Fatal("no transaction vectors")
	}
	return f.Transactions
}

func decimal(t testing.TB, s string) uint256.Int {
	t.Helper()
	if s == "" {
		return uint256.Int{}
	}
	v, err := uint256.FromDecimal(s)
	if err != nil {
		t.Fatalf("bad decimal %q: %v", s, err)
	}
	return *v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func mustKey(t testing.TB, s string) *btcec.PrivateKey {
	t.Helper()
	key, _ := btcec.PrivKeyFromBytes(unhex(t, s))
	return key
}

// unsigned builds the vector's transaction without a signature.
func (v *txVector) unsigned(t testing.TB) *Transaction {
	t.Helper()
	tx := &Transaction{
		Type:      v.Type,
		ChainID:   v.ChainID,
		Nonce:     v.Nonce,
		GasPrice:  decimal(t, v.GasPrice),
		GasTipCap: decimal(t, v.GasTipCap),
		GasFeeCap: decimal(t, v.GasFeeCap),
		Gas:       v.Gas,
		Value:     decimal(t, v.Value),
		Data:      unhex(t, v.Data),
	}
	if v.To != nil {
		to, err := ParseAddress(*v.To)
		if err != nil {
			t.Fatal(err)
		}
		tx.To = &to
	}
	if len(tx.Data) == 0 {
		tx.Data = nil
	}
	return tx
}

func TestTxVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadTxVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			signer := NewSigner(v.ChainID)
			tx := v.unsigned(t)
			if v.SigningData != "" {
				got := tx.appendEncoding(nil, false, v.ChainID)
				if want := unhex(t, v.SigningData); !bytes.Equal(got, want) {
					t.Errorf("signing data = %x, want %x", got, want)
				}
			}
			if v.SigningHash != "" {
				if got := signer.SigningHash(tx).Hex(); got != v.SigningHash {
					t.Errorf("signing hash = %s, want %s", got, v.SigningHash)
				}
			}
			signed, err := signer.SignTx(tx, mustKey(t, v.Key))
			if err != nil {
				t.Fatalf("SignTx: %v", err)
			}
			if v.V != "" {
				wantV, wantR, wantS := decimal(t, v.V), decimal(t, v.R), decimal(t, v.S)
				if !signed.V.Eq(&wantV) || !signed.R.Eq(&wantR) || !signed.S.Eq(&wantS) {
					t.Errorf("v, r, s = %v, %v, %v; want %v, %v, %v",
						&signed.V, &signed.R, &signed.S, &wantV, &wantR, &wantS)
				}
			}
			raw := signed.Encode()
			if v.Raw != "" {
				if want := unhex(t, v.Raw); !bytes.Equal(raw, want) {
					t.Errorf("raw = %x\nwant  %x", raw, want)
				}
			}
			if v.Hash != "" {
				if got := signed.Hash().Hex(); got != v.Hash {
					t.Errorf("hash = %s, want %s", got, v.Hash)
				}
			}
			// Decode the raw bytes afresh: same hash, same sender.
			dec, err := DecodeTransaction(raw)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if dec.Hash() != signed.Hash() || dec.Size() != len(raw) || dec.ChainID != v.ChainID {
				t.Errorf("decoded: hash %s size %d chain %d", dec.Hash(), dec.Size(), dec.ChainID)
			}
			from, err := signer.Sender(dec)
			if err != nil {
				t.Fatalf("Sender: %v", err)
			}
			if want := PubkeyToAddress(mustKey(t, v.Key).PubKey()); from != want {
				t.Errorf("sender = %s, key address %s", from, want)
			}
			if v.Sender != "" && from.Hex() != v.Sender {
				t.Errorf("sender = %s, want %s", from.Hex(), v.Sender)
			}
		})
	}
}

func TestPubkeyToAddress(t *testing.T) {
	t.Parallel()
	for _, v := range loadAddressVectors(t).Keys {
		t.Run(v.Address, func(t *testing.T) {
			t.Parallel()
			if got := PubkeyToAddress(mustKey(t, v.Key).PubKey()).Hex(); got != v.Address {
				t.Errorf("address = %s, want %s", got, v.Address)
			}
		})
	}
}

func TestCurveConstants(t *testing.T) {
	t.Parallel()
	n, halfN := secp256k1N(), secp256k1HalfN()
	if n.ToBig().Cmp(btcec.S256().N) != 0 {
		t.Errorf("n = %v, want %v", n.ToBig(), btcec.S256().N)
	}
	var half uint256.Int
	half.Rsh(&n, 1)
	if !half.Eq(&halfN) {
		t.Errorf("n/2 = %v, want %v", &halfN, &half)
	}
}

// signedVector returns a fresh copy of the EIP-1559 and legacy vectors,
// signed, for rejection tests to tamper with.
func signedTx(t testing.TB, typ TxType, chainID uint64) *Transaction {
	t.Helper()
	to := Address{0x35}
	tx := &Transaction{Type: typ, ChainID: chainID, Nonce: 3, Gas: 21000, To: &to}
	tx.Value.SetUint64(1e18)
	if typ == DynamicFeeTxType {
		tx.GasTipCap.SetUint64(1e9)
		tx.GasFeeCap.SetUint64(2e9)
	} else {
		tx.GasPrice.SetUint64(1e9)
	}
	signed, err := NewSigner(chainID).SignTx(tx, mustKey(t, strings.Repeat("46", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// resign returns a copy of tx with its signature replaced.
func withSig(tx *Transaction, v, r, s *uint256.Int) *Transaction {
	out := tx.unsignedCopy()
	out.V, out.R, out.S = *v, *r, *s
	return out
}

func TestSenderRejections(t *testing.T) {
	t.Parallel()
	const chainID = 1337
	legacy := signedTx(t, LegacyTxType, chainID)
	typed := signedTx(t, DynamicFeeTxType, chainID)
	n, halfN := secp256k1N(), secp256k1HalfN()
	highS := func(tx *Transaction) *Transaction {
		var s, v uint256.Int
		s.Sub(&n, &tx.S)
		// The high-s twin recovers the same key with the other parity.
		base := uint64(0)
		if tx.Type == LegacyTxType {
			base = 2*chainID + 35
		}
		v.SetUint64(base + ((tx.V.Uint64() - base) ^ 1))
		return withSig(tx, &v, &tx.R, &s)
	}
	u := uint256.NewInt
	var nPlus1 uint256.Int
	nPlus1.AddUint64(&n, 1)
	var halfNPlus1 uint256.Int
	halfNPlus1.AddUint64(&halfN, 1)
	// Legacy v for another chain id, and for ours but with a bad parity.
	otherChainV := u(2*7 + 35)
	badParityV := u(2*chainID + 37)
	otherTyped := signedTx(t, AccessListTxType, 7)
	unknownType := typed.unsignedCopy()
	unknownType.Type = 3
	// r = x of no curve point: x^3+7 a non-residue.
	var notOnCurve uint256.Int
	notOnCurve.SetUint64(5)

	tests := []struct {
		name string
		tx   *Transaction
		want error
	}{
		{"legacy unprotected v=27", withSig(legacy, u(27), &legacy.R, &legacy.S), ErrUnprotectedTx},
		{"legacy unprotected v=28", withSig(legacy, u(28), &legacy.R, &legacy.S), ErrUnprotectedTx},
		{"legacy v=0", withSig(legacy, u(0), &legacy.R, &legacy.S), ErrInvalidSig},
		{"legacy v=34", withSig(legacy, u(34), &legacy.R, &legacy.S), ErrInvalidSig},
		{"legacy other chain", withSig(legacy, otherChainV, &legacy.R, &legacy.S), ErrInvalidChainID},
		{"legacy v beyond our chain", withSig(legacy, badParityV, &legacy.R, &legacy.S), ErrInvalidChainID},
		{"legacy v 2^256-1", withSig(legacy, new(uint256.Int).SetAllOne(), &legacy.R, &legacy.S), ErrInvalidChainID},
		{"typed other chain", otherTyped, ErrInvalidChainID},
		{"typed y-parity 2", withSig(typed, u(2), &typed.R, &typed.S), ErrInvalidSig},
		{"typed y-parity 27", withSig(typed, u(27), &typed.R, &typed.S), ErrInvalidSig},
		{"r zero", withSig(typed, &typed.V, u(0), &typed.S), ErrInvalidSig},
		{"r = n", withSig(typed, &typed.V, &n, &typed.S), ErrInvalidSig},
		{"r > n", withSig(typed, &typed.V, &nPlus1, &typed.S), ErrInvalidSig},
		{"s zero", withSig(typed, &typed.V, &typed.R, u(0)), ErrInvalidSig},
		{"s = n/2+1", withSig(typed, &typed.V, &typed.R, &halfNPlus1), ErrInvalidSig},
		{"s = n", withSig(typed, &typed.V, &typed.R, &n), ErrInvalidSig},
		{"high s twin (EIP-2) typed", highS(typed), ErrInvalidSig},
		{"high s twin (EIP-2) legacy", highS(legacy), ErrInvalidSig},
		{"r not an x coordinate", withSig(typed, &typed.V, &notOnCurve, &typed.S), ErrInvalidSig},
		{"unsigned", typed.unsignedCopy(), ErrInvalidSig},
		{"unknown type", unknownType, ErrTxTypeNotSupported},
	}
	kinds := []error{ErrUnprotectedTx, ErrInvalidSig, ErrInvalidChainID, ErrTxTypeNotSupported}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewSigner(chainID).Sender(tc.tx)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Sender error = %v, want %v", err, tc.want)
			}
			for _, k := range kinds {
				if k != tc.want && errors.Is(err, k) {
					t.Errorf("error %v also matches %v", err, k)
				}
			}
		})
	}
	// The untampered transactions are valid, so each case above fails for
	// the reason it names.
	for _, tx := range []*Transaction{legacy, typed} {
		if _, err := NewSigner(chainID).Sender(tx); err != nil {
			t.Errorf("valid %v transaction: %v", tx.Type, err)
		}
	}
}

// TestHighSIsTheSameKey shows why EIP-2 matters: without the low-s rule the
// twin signature would recover the same sender under a different hash.
func TestHighSIsTheSameKey(t *testing.T) {
	t.Parallel()
	tx := signedTx(t, DynamicFeeTxType, 1)
	n := secp256k1N()
	var s uint256.Int
	s.Sub(&n, &tx.S)
	h := NewSigner(1).SigningHash(tx)
	var sig [65]byte
	sig[0] = 27 + byte(tx.V.Uint64()^1)
	tx.R.PutUint256(sig[1:33])
	s.PutUint256(sig[33:])
	pub, _, err := ecdsa.RecoverCompact(sig[:], h[:])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := NewSigner(1).Sender(tx)
	if PubkeyToAddress(pub) != want {
		t.Fatal("high-s twin recovers another key; test premise wrong")
	}
}

func TestSignTxRejections(t *testing.T) {
	t.Parallel()
	key := mustKey(t, strings.Repeat("46", 32))
	tests := []struct {
		name string
		tx   *Transaction
		want error
	}{
		{"legacy other chain", &Transaction{Type: LegacyTxType, ChainID: 2}, ErrInvalidChainID},
		{"typed other chain", &Transaction{Type: DynamicFeeTxType, ChainID: 2}, ErrInvalidChainID},
		{"typed no chain", &Transaction{Type: AccessListTxType}, ErrInvalidChainID},
		{"unknown type", &Transaction{Type: 4, ChainID: 1}, ErrTxTypeNotSupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSigner(1).SignTx(tc.tx, key); !errors.Is(err, tc.want) {
				t.Errorf("SignTx error = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSignTxLowS signs many hashes and checks every s is low and every V
// well formed, for each type.
func TestSignTxLowS(t *testing.T) {
	t.Parallel()
	key := mustKey(t, strings.Repeat("46", 32))
	halfN := secp256k1HalfN()
	const chainID = 1 << 40 // V above 64 bits' worth of small values
	parities := map[uint64]int{}
	for i := range uint64(64) {
		for _, typ := range []TxType{LegacyTxType, AccessListTxType, DynamicFeeTxType} {
			tx := &Transaction{Type: typ, Nonce: i, Gas: 21000}
			if typ != LegacyTxType {
				tx.ChainID = chainID
			}
			signed, err := NewSigner(chainID).SignTx(tx, key)
			if err != nil {
				t.Fatal(err)
			}
			if signed.S.Gt(&halfN) {
				t.Fatalf("high s produced: %v", &signed.S)
			}
			parity := signed.V.Uint64()
			if typ == LegacyTxType {
				parity -= 2*chainID + 35
			}
			if parity > 1 {
				t.Fatalf("bad V %v for %v", &signed.V, typ)
			}
			parities[parity]++
			from, err := NewSigner(chainID).Sender(signed)
			if err != nil || from != PubkeyToAddress(key.PubKey()) {
				t.Fatalf("Sender = %s, %v", from, err)
			}
		}
	}
	if parities[0] == 0 || parities[1] == 0 {
		t.Errorf("parities %v: both recovery ids should occur", parities)
	}
}

// TestSignTxCopies checks that SignTx leaves its input alone and shares no
// memory with it.
func TestSignTxCopies(t *testing.T) {
	t.Parallel()
	to := Address{1}
	tx := &Transaction{
		Type: AccessListTxType, ChainID: 1, Gas: 50000, To: &to, Data: []byte{1, 2, 3},
		AccessList: AccessList{{Address: Address{2}, StorageKeys: []Hash{{3}}}},
	}
	signed, err := NewSigner(1).SignTx(tx, mustKey(t, strings.Repeat("46", 32)))
	if err != nil {
		t.Fatal(err)
	}
	if !tx.R.IsZero() || !tx.V.IsZero() {
		t.Error("SignTx modified its input")
	}
	h := signed.Hash()
	tx.Data[0] = 9
	tx.AccessList[0].StorageKeys[0][0] = 9
	*tx.To = Address{9}
	if again := signed.unsignedCopy(); again.Data[0] != 1 || again.AccessList[0].StorageKeys[0][0] != 3 || *again.To != (Address{1}) {
		t.Error("signed transaction shares memory with its input")
	}
	if h != Keccak256(signed.encode()) {
		t.Error("hash changed")
	}
}

// TestSenderCache checks the cache is keyed by chain id and safe under
// concurrent use (run with -race).
func TestSenderCache(t *testing.T) {
	t.Parallel()
	tx := signedTx(t, DynamicFeeTxType, 5)
	want, err := NewSigner(5).Sender(tx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := NewSigner(5).Sender(tx); err != nil || got != want {
				t.Errorf("Sender = %s, %v", got, err)
			}
			if _, err := NewSigner(6).Sender(tx); !errors.Is(err, ErrInvalidChainID) {
				t.Errorf("cached sender leaked to another chain: %v", err)
			}
			_ = tx.Hash()
		}()
	}
	wg.Wait()
}

// benchRawTx is a signed EIP-1559 transaction with calldata, the typical
// shape a node decodes and recovers.
func benchRawTx(b *testing.B) ([]byte, Signer) {
	b.Helper()
	to := Address{0xaa}
	tx := &Transaction{Type: DynamicFeeTxType, ChainID: 1, Nonce: 42, Gas: 100000, To: &to,
		Data: bytes.Repeat([]byte{0xa9, 0x05, 0x9c, 0xbb}, 17)}
	tx.GasTipCap.SetUint64(1e9)
	tx.GasFeeCap.SetUint64(3e10)
	tx.Value.SetUint64(12345)
	signer := NewSigner(1)
	signed, err := signer.SignTx(tx, mustKey(b, strings.Repeat("46", 32)))
	if err != nil {
		b.Fatal(err)
	}
	return signed.Encode(), signer
}

// BenchmarkRecoverCompactRaw is the floor: btcec's public key recovery on a
// fixed signature and hash.
func BenchmarkRecoverCompactRaw(b *testing.B) {
	raw, signer := benchRawTx(b)
	tx, err := DecodeTransaction(raw)
	if err != nil {
		b.Fatal(err)
	}
	h := signer.SigningHash(tx)
	var sig [65]byte
	sig[0] = 27 + byte(tx.V.Uint64())
	tx.R.PutUint256(sig[1:33])
	tx.S.PutUint256(sig[33:])
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ecdsa.RecoverCompact(sig[:], h[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTxSender is what a node pays per incoming transaction: decode the
// bytes, hash them, and recover the sender.
func BenchmarkTxSender(b *testing.B) {
	raw, signer := benchRawTx(b)
	b.ReportAllocs()
	for b.Loop() {
		tx, err := DecodeTransaction(raw)
		if err != nil {
			b.Fatal(err)
		}
		_ = tx.Hash()
		if _, err := signer.Sender(tx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeHash isolates the part of BenchmarkTxSender that is ours.
func BenchmarkDecodeHash(b *testing.B) {
	raw, signer := benchRawTx(b)
	b.ReportAllocs()
	for b.Loop() {
		tx, err := DecodeTransaction(raw)
		if err != nil {
			b.Fatal(err)
		}
		_ = tx.Hash()
		_ = signer.SigningHash(tx)
	}
}
