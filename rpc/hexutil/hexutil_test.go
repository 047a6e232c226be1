package hexutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"testing"

	"github.com/holiman/uint256"
)

func TestEncodeUint64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   uint64
		want string
	}{
		{0, "0x0"}, {1, "0x1"}, {0x400, "0x400"}, {^uint64(0), "0xffffffffffffffff"},
	}
	for _, tt := range tests {
		if got := EncodeUint64(tt.in); got != tt.want {
			t.Errorf("EncodeUint64(%d) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestEncodeU256AndBig(t *testing.T) {
	t.Parallel()
	max := new(uint256.Int).SetAllOne()
	tests := []struct {
		in   *uint256.Int
		want string
	}{
		{uint256.NewInt(0), "0x0"},
		{uint256.NewInt(255), "0xff"},
		{new(uint256.Int).Lsh(uint256.NewInt(1), 64), "0x10000000000000000"},
		{max, "0x" + string(bytes.Repeat([]byte("f"), 64))},
	}
	for _, tt := range tests {
		if got := EncodeU256(tt.in); got != tt.want {
			t.Errorf("EncodeU256 = %s, want %s", got, tt.want)
		}
		if got := EncodeBig(tt.in.ToBig()); got != tt.want {
			t.Errorf("EncodeBig = %s, want %s", got, tt.want)
		}
	}
	if got := EncodeBig(big.NewInt(0)); got != "0x0" {
		t.Errorf("EncodeBig(0) = %s", got)
	}
}

func TestEncodeData(t *testing.T) {
	t.Parallel()
	if got := Encode(nil); got != "0x" {
		t.Errorf("Encode(nil) = %s", got)
	}
	if got := Encode([]byte{0, 0xab}); got != "0x00ab" {
		t.Errorf("Encode = %s", got)
	}
}

func TestDecodeUint64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    uint64
		wantErr error
	}{
		{"0x0", 0, nil},
		{"0x1", 1, nil},
		{"0xAbC", 0xabc, nil},
		{"0X10", 16, nil},
		{"0xffffffffffffffff", ^uint64(0), nil},
		{"", 0, ErrEmptyString},
		{"12", 0, ErrMissingPrefix},
		{"0x", 0, ErrEmptyNumber},
		{"0x01", 0, ErrLeadingZero},
		{"0x00", 0, ErrLeadingZero},
		{"0xg", 0, ErrSyntax},
		{"0x-1", 0, ErrSyntax},
		{"0x10000000000000000", 0, ErrUint64Range},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := DecodeUint64(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidHex) {
				t.Fatalf("err %v does not wrap ErrInvalidHex", err)
			}
			if got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDecodeU256(t *testing.T) {
	t.Parallel()
	max := "0x" + string(bytes.Repeat([]byte("f"), 64))
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{"0x0", "0x0", nil},
		{"0xabc", "0xabc", nil},
		{"0x10000000000000000", "0x10000000000000000", nil},
		{max, max, nil},
		{max + "f", "", ErrUint256Range},
		{"0x0f", "", ErrLeadingZero},
		{"0x", "", ErrEmptyNumber},
		{"abc", "", ErrMissingPrefix},
		{"0xz", "", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := DecodeU256(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && EncodeU256(got) != tt.want {
				t.Fatalf("got %s, want %s", EncodeU256(got), tt.want)
			}
		})
	}
}

func TestDecodeData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []byte
		wantErr error
	}{
		{"0x", []byte{}, nil},
		{"0x00", []byte{0}, nil},
		{"0xABcd", []byte{0xab, 0xcd}, nil},
		{"0xf0f0f", nil, ErrOddLength},
		{"f0", nil, ErrMissingPrefix},
		{"", nil, ErrEmptyString},
		{"0xzz", nil, ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Decode(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && !bytes.Equal(got, tt.want) {
				t.Fatalf("got %x, want %x", got, tt.want)
			}
		})
	}
	var dst [2]byte
	if err := DecodeFixed("0x0102", dst[:]); err != nil || dst != [2]byte{1, 2} {
		t.Fatalf("DecodeFixed = %v, %x", err, dst)
	}
	if err := DecodeFixed("0x01", dst[:]); !errors.Is(err, ErrInvalidHex) {
		t.Fatalf("DecodeFixed short: %v", err)
	}
}

func TestJSONTypes(t *testing.T) {
	t.Parallel()
	type doc struct {
		N Uint64 `json:"n"`
		U U256   `json:"u"`
		B Bytes  `json:"b"`
	}
	in := `{"n":"0x1f","u":"0x10000000000000000","b":"0x0102"}`
	var d doc
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("round trip: %s, want %s", out, in)
	}
	bad := []struct {
		in   string
		want error
	}{
		{`{"n":31}`, ErrNotString},
		{`{"n":null}`, ErrNotString},
		{`{"n":"0x01"}`, ErrLeadingZero},
		{`{"u":"0x\u0031"}`, ErrSyntax},
		{`{"b":"0x1"}`, ErrOddLength},
		{`{"b":true}`, ErrNotString},
	}
	for _, tt := range bad {
		var d doc
		if err := json.Unmarshal([]byte(tt.in), &d); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.in, err, tt.want)
		}
	}
}
