package types

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

type addressVectors struct {
	EIP55 []string `json:"eip55"`
	Keys  []struct {
		Key     string `json:"key"`
		Address string `json:"address"`
	} `json:"keys"`
	Contracts []struct {
		Sender  string `json:"sender"`
		Nonce   uint64 `json:"nonce"`
		Address string `json:"address"`
	} `json:"contracts"`
}

func loadAddressVectors(t *testing.T) addressVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/addresses.json")
	if err != nil {
		t.Fatal(err)
	}
	var v addressVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.EIP55) == 0 || len(v.Keys) == 0 || len(v.Contracts) == 0 {
		t.Fatal("missing address vectors")
	}
	return v
}

func TestEIP55(t *testing.T) {
	t.Parallel()
	for _, s := range loadAddressVectors(t).EIP55 {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			for _, in := range []string{s, strings.ToLower(s), "0x" + strings.ToUpper(s[2:]), s[2:]} {
				a, err := ParseAddress(in)
				if err != nil {
					t.Fatalf("ParseAddress(%s): %v", in, err)
				}
				if got := a.Hex(); got != s {
					t.Errorf("Hex() of %s = %s, want %s", in, got, s)
				}
			}
			text, _ := ParseAddressMust(t, s).MarshalText()
			var back Address
			if err := back.UnmarshalText(text); err != nil || back != ParseAddressMust(t, s) {
				t.Errorf("text round trip: %v", err)
			}
		})
	}
}

func ParseAddressMust(t *testing.T, s string) Address {
	t.Helper()
	a, err := ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParseAddressErrors(t *testing.T) {
	t.Parallel()
	good := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	tests := []struct {
		name, in string
		want     error
	}{
		{"bad checksum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", ErrBadChecksum},
		{"swapped case", "0x5AaEB6053f3e94c9B9a09F33669435e7eF1bEaED", ErrBadChecksum},
		{"too short", good[:41], ErrMalformed},
		{"too long", good + "00", ErrMalformed},
		{"not hex", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", ErrMalformed},
		{"empty", "", ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseAddress(tc.in); !errors.Is(err, tc.want) {
				t.Errorf("ParseAddress(%q) error = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

func TestBytesToAddress(t *testing.T) {
	t.Parallel()
	long := make([]byte, 32)
	long[31], long[12], long[11] = 0xaa, 0x01, 0xff
	a := BytesToAddress(long)
	if a[19] != 0xaa || a[0] != 0x01 {
		t.Errorf("BytesToAddress kept the wrong bytes: %x", a)
	}
	if b := BytesToAddress([]byte{1, 2}); b[18] != 1 || b[19] != 2 || !BytesToAddress(nil).IsZero() {
		t.Errorf("BytesToAddress padding: %x", b)
	}
}
