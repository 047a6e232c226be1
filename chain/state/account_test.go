package state

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
)

func TestAccountEncoding(t *testing.T) {
	t.Parallel()
	maxBal := new(uint256.Int).SetAllOne()
	code := types.Keccak256([]byte{0x60})
	tests := []struct {
		name string
		acct Account
		hex  string
	}{
		{"empty", newAccount(), "000000"},
		{"nonce 1", Account{Nonce: 1, CodeHash: EmptyCodeHash}, "000100"},
		{"nonce 300 balance 256", Account{Nonce: 300, Balance: *uint256.NewInt(256), CodeHash: EmptyCodeHash}, "00ac02020100"},
		{"max balance", Account{Balance: *maxBal, CodeHash: EmptyCodeHash}, "000020" + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
		{"code", Account{Nonce: 1, CodeHash: code}, "010100" + hex.EncodeToString(code[:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			enc := tt.acct.Encode()
			if got := hex.EncodeToString(enc); got != tt.hex {
				t.Fatalf("Encode = %s, want %s", got, tt.hex)
			}
			dec, err := DecodeAccount(enc)
			if err != nil {
				t.Fatal(err)
			}
			if dec != tt.acct {
				t.Fatalf("round trip: %+v, want %+v", dec, tt.acct)
			}
		})
	}
}

func TestDecodeAccountRejects(t *testing.T) {
	t.Parallel()
	empty := hex.EncodeToString(EmptyCodeHash[:])
	tests := []struct{ name, hex string }{
		{"empty", ""},
		{"unknown flag", "020000"},
		{"missing nonce", "00"},
		{"non-minimal nonce", "00800000"},
		{"missing balance", "0001"},
		{"balance too long", "000021" + "01" + "0000000000000000000000000000000000000000000000000000000000000000"},
		{"balance leading zero", "00000200ff"},
		{"short balance", "000002ff"},
		{"short code hash", "010000abcd"},
		{"explicit empty code hash", "010000" + empty},
		{"trailing", "00000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := hex.DecodeString(tt.hex)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := DecodeAccount(b); !errors.Is(err, ErrMalformed) {
				t.Fatalf("DecodeAccount(%s) = %v, want ErrMalformed", tt.hex, err)
			}
		})
	}
}

func FuzzDecodeAccount(f *testing.F) {
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{0, 0xac, 2, 2, 1, 0})
	f.Add(append([]byte{1, 1, 0}, make([]byte, 32)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAccount(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if enc := a.Encode(); !bytes.Equal(enc, b) {
			t.Fatalf("non-canonical: %x decodes and re-encodes as %x", b, enc)
		}
	})
}

func TestWordEncoding(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v   types.Hash
		enc string
	}{
		{types.BytesToHash([]byte{1}), "01"},
		{types.BytesToHash([]byte{1, 0}), "0100"},
		{types.Hash{0xff}, "ff" + "00000000000000000000000000000000000000000000000000000000000000"},
	} {
		enc := encodeWord(tt.v)
		if hex.EncodeToString(enc) != tt.enc {
			t.Errorf("encodeWord(%s) = %x, want %s", tt.v, enc, tt.enc)
		}
		if got, err := decodeWord(enc); err != nil || got != tt.v {
			t.Errorf("decodeWord(%x) = %s, %v", enc, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {0}, {0, 1}, make([]byte, 33)} {
		if _, err := decodeWord(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("decodeWord(%x) = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestTrieKeysAreDomainSeparated(t *testing.T) {
	t.Parallel()
	a := testAddr(1)
	if AccountTrieKey(a) == StorageTrieKey(a, types.Hash{}) {
		t.Fatal("account key equals its zero slot's key")
	}
	// Known value: Keccak-256(0x00 || 20 zero bytes).
	want := types.Keccak256(make([]byte, 21))
	if got := AccountTrieKey(types.Address{}); got != want {
		t.Fatalf("AccountTrieKey(0) = %s, want %s", got, want)
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{ErrMalformed, ErrInsufficientBalance, ErrUndoMismatch, ErrNotEmpty,
		ErrBadRevision, ErrCommitted, ErrCorrupt, ErrStale, ErrBadAlloc}
	for i, a := range all {
		for j, b := range all {
			if got := errors.Is(a, b); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, got)
			}
		}
	}
}
