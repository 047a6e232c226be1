package hd

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	t.Parallel()
	const h = HardenedOffset
	tests := []struct {
		in   string
		want Path
	}{
		{"m", Path{}},
		{"m/0", Path{0}},
		{"m/44'/60'/0'/0/0", Path{44 + h, 60 + h, h, 0, 0}},
		{"m/44h/60h/0h/0/7", Path{44 + h, 60 + h, h, 0, 7}},
		{"m/44H/60H/0H/0/7", Path{44 + h, 60 + h, h, 0, 7}},
		{"m/2147483647'/2147483647", Path{h - 1 + h, h - 1}},
		{"m/007", Path{7}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePath(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ParsePath = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "/", "M/0", "0/1", "m/", "m//0", "m/0/", "m/-1", "m/+1", "m/0x10",
		"m/1''", "m/'", "m/h", "m/2147483648", "m/2147483648'", "m/4294967296",
		"m/99999999999999999999", "m/ 1", "m/1 ", "m/1.5", "m/１", "n/0",
		"m" + strings.Repeat("/0", MaxDepth+1),
		"m/" + strings.Repeat("0", maxPathLen),
	} {
		if _, err := ParsePath(in); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("ParsePath(%.40q): err = %v, want ErrInvalidPath", in, err)
		}
	}
	if _, err := ParsePath("m" + strings.Repeat("/0", MaxDepth)); err != nil {
		t.Errorf("a path of depth %d is legal: %v", MaxDepth, err)
	}
}

func TestPathString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"m":                 "m",
		"m/44h/60h/0h/0/1":  "m/44'/60'/0'/0/1",
		"m/0/2147483647H/1": "m/0/2147483647'/1",
	} {
		p, err := ParsePath(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.String(); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEthereumPath(t *testing.T) {
	t.Parallel()
	p, err := EthereumPath(7)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "m/44'/60'/0'/0/7" {
		t.Fatalf("EthereumPath(7) = %s", got)
	}
	if _, err := EthereumPath(HardenedOffset); !errors.Is(err, ErrInvalidPath) {
		t.Fatalf("err = %v, want ErrInvalidPath", err)
	}
}
