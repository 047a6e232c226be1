package abi

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

type vector struct {
	Comment   string   `json:"comment"`
	Signature string   `json:"signature"`
	Args      []string `json:"args"`
	Calldata  string   `json:"calldata"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVectors encodes the published examples and decodes them back.
func TestVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		t.Run(v.Signature, func(t *testing.T) {
			t.Parallel()
			m, err := ParseSignature(v.Signature)
			if err != nil {
				t.Fatal(err)
			}
			if m.Signature() != v.Signature {
				t.Fatalf("canonical signature %q, want %q", m.Signature(), v.Signature)
			}
			got, err := m.EncodeCall(v.Args)
			if err != nil {
				t.Fatal(err)
			}
			want := mustHex(t, v.Calldata)
			if !bytes.Equal(got, want) {
				t.Fatalf("EncodeCall =\n%x\nwant\n%x", got, want)
			}
			vals, err := Decode(m.Inputs, want[4:])
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if re := Encode(vals); !bytes.Equal(re, want[4:]) {
				t.Fatalf("re-encoding of decoded values differs:\n%x", re)
			}
		})
	}
}

func TestSelectors(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"transfer(address,uint256)": "a9059cbb",
		"balanceOf(address)":        "70a08231",
		"totalSupply()":             "18160ddd",
		"approve(address, uint)":    "095ea7b3", // spaces and the uint alias are canonicalised
	}
	for sig, want := range tests {
		m, err := ParseSignature(sig)
		if err != nil {
			t.Fatalf("%s: %v", sig, err)
		}
		if sel := m.Selector(); hex.EncodeToString(sel[:]) != want {
			t.Errorf("selector of %s = %x, want %s", sig, sel, want)
		}
	}
	ev, _ := ParseSignature("Transfer(address,address,uint256)")
	if got := ev.EventTopic().Hex(); got != "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef" {
		t.Errorf("Transfer topic = %s", got)
	}
}

func TestParseSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		sig     string
		outputs string
		err     error
	}{
		{"balanceOf(address)", "balanceOf(address)", "", nil},
		{"balanceOf(address)(uint256)", "balanceOf(address)", "uint256", nil},
		{"balanceOf(address) returns (uint256)", "balanceOf(address)", "uint256", nil},
		{"get()(uint256,bool)", "get()", "uint256,bool", nil},
		{"f(uint256[][2],bytes32)", "f(uint256[][2],bytes32)", "", nil},
		{"balanceOf", "", "", ErrSignature},
		{"balanceOf(address", "", "", ErrSignature},
		{"(address)", "", "", ErrSignature},
		{"1abc()", "", "", ErrSignature},
		{"bal ance()", "", "", ErrSignature},
		{"f(uint7)", "", "", ErrType},
		{"f(uint264)", "", "", ErrType},
		{"f(bytes33)", "", "", ErrType},
		{"f(bytes0)", "", "", ErrType},
		{"f(uint08)", "", "", ErrType},
		{"f(address,)", "", "", ErrType},
		{"f(strin)", "", "", ErrType},
		{"f(uint256[0])", "", "", ErrType},
		{"f(uint256[-1])", "", "", ErrType},
		{"f(uint256]", "", "", ErrSignature},
		{"f(uint256])", "", "", ErrType},
		{"f((uint256,bool))", "", "", ErrSignature},
		{"f(uint256) garbage", "", "", ErrSignature},
		{"f(uint256) returns", "", "", ErrSignature},
		{"f(" + strings.Repeat("uint8,", 1000) + "uint8)", "", "", ErrSignature},
		{"f(uint256[65536][65536])", "", "", ErrType},
		{"f(uint256" + strings.Repeat("[]", 9) + ")", "", "", ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 40)], func(t *testing.T) {
			t.Parallel()
			m, err := ParseSignature(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseSignature(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if err != nil {
				return
			}
			if m.Signature() != tt.sig || typeList(m.Outputs) != tt.outputs {
				t.Fatalf("got %q returns %q", m.Signature(), typeList(m.Outputs))
			}
		})
	}
}

func TestParseValueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, val string
	}{
		{"uint8", "256"},
		{"uint256", "-1"},
		{"uint256", "1.5"},
		{"uint256", "abc"},
		{"uint256", ""},
		{"uint256", "0x"},
		{"uint256", "+5"},
		{"uint256", "115792089237316195423570985008687907853269984665640564039457584007913129639936"},
		{"int8", "128"},
		{"int8", "-129"},
		{"address", "0x123"},
		{"address", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"}, // bad checksum
		{"bool", "yes"},
		{"bytes4", "0x010203"},
		{"bytes4", "01020304"},
		{"bytes", "0xabc"},
		{"bytes", "zz"},
		{"uint256[2]", "[1]"},
		{"uint256[]", "1,2"},
		{"uint256[]", "[1,[2]"},
		{"string[]", `["a]`},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"="+tt.val, func(t *testing.T) {
			t.Parallel()
			typ, err := ParseType(tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParseValue(typ, tt.val); !errors.Is(err, ErrValue) {
				t.Fatalf("ParseValue(%s, %q) error = %v, want ErrValue", tt.typ, tt.val, err)
			}
		})
	}
}

func TestValueFormatting(t *testing.T) {
	t.Parallel()
	ts, err := ParseTypes("(uint256,int16,address,bool,bytes2,string,string[])")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"1000", "-5", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "true", "0xbeef", "hi, there", `["a,b","c"]`}
	vals, err := ParseValues(ts, args)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(ts, Encode(vals))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range back {
		got = append(got, v.String())
	}
	want := []string{"1000", "-5", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "true", "0xbeef", "hi, there", `["a,b","c"]`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	js, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != `["1000","-5","0x70997970C51812dc3A010C7d01b50e0d17dc79C8",true,"0xbeef","hi, there",["a,b","c"]]` {
		t.Fatalf("JSON = %s", js)
	}
	if _, err := ParseValues(ts, args[:2]); !errors.Is(err, ErrArgCount) {
		t.Fatalf("short args: %v, want ErrArgCount", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	word := func(s string) string { return strings.Repeat("0", 64-len(s)) + s }
	tests := []struct {
		name  string
		types string
		data  string
	}{
		{"short", "uint256", "00"},
		{"uint8 high bits", "uint8", word("100")},
		{"int8 not sign extended", "int8", word("80")},
		{"address high bits", "address", "01" + word("")[2:]},
		{"bool 2", "bool", word("2")},
		{"bytes2 trailing", "bytes2", "abcd01" + word("")[6:]},
		{"offset beyond", "string", word("40")},
		{"huge offset", "bytes", "ff" + word("")[2:]},
		{"length beyond", "string", word("20") + word("40") + word("")},
		{"array length beyond", "uint256[]", word("20") + word("3") + word("1")},
		{"second value short", "uint256,uint256", word("1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts, err := ParseTypes(tt.types)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Decode(ts, mustHex(t, tt.data)); !errors.Is(err, ErrDecode) {
				t.Fatalf("Decode error = %v, want ErrDecode", err)
			}
		})
	}
}

// TestDecodeAliasedOffsets: nested arrays whose offsets all point at the
// same data must not expand into an unbounded number of values: eight
// levels of 8 offsets to one shared child ask for 8^8 values.
func TestDecodeAliasedOffsets(t *testing.T) {
	t.Parallel()
	const n, levels = 8, 8
	word := func(v int) []byte { w := make([]byte, 32); binary.BigEndian.PutUint32(w[28:], uint32(v)); return w }
	data := word(32) // the tuple's offset to the outermost array
	block := 32 + n*32
	for k := 0; k < levels; k++ {
		data = append(data, word(n)...)
		for range n {
			if k == levels-1 {
				data = append(data, word(0)...) // leaf uint8 values
			} else {
				data = append(data, word(block-32)...) // the next block, from this element area
			}
		}
	}
	ts, err := ParseTypes("uint8" + strings.Repeat("[]", levels))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(ts, data); !errors.Is(err, ErrDecode) {
		t.Fatalf("Decode error = %v, want ErrDecode (value budget)", err)
	}
}

func TestDecodeRevert(t *testing.T) {
	t.Parallel()
	m, _ := ParseSignature("Error(string)")
	data, err := m.EncodeCall([]string{"insufficient balance"})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := DecodeRevert(data); !ok || r != "insufficient balance" {
		t.Fatalf("DecodeRevert = %q, %v", r, ok)
	}
	p, _ := ParseSignature("Panic(uint256)")
	data, _ = p.EncodeCall([]string{"0x11"})
	if r, ok := DecodeRevert(data); !ok || r != "panic 0x11" {
		t.Fatalf("DecodeRevert(panic) = %q, %v", r, ok)
	}
	for _, bad := range [][]byte{nil, {1, 2, 3}, {0x08, 0xc3, 0x79, 0xa0}, {0xde, 0xad, 0xbe, 0xef, 0}} {
		if r, ok := DecodeRevert(bad); ok {
			t.Errorf("DecodeRevert(%x) = %q, true", bad, r)
		}
	}
}

func TestParseTypedArgs(t *testing.T) {
	t.Parallel()
	vals, err := ParseTypedArgs("uint256:1000, address:0x70997970C51812dc3A010C7d01b50e0d17dc79C8,uint8[]:[1,2]")
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 3 || vals[0].String() != "1000" || vals[2].String() != "[1,2]" {
		t.Fatalf("ParseTypedArgs = %v", vals)
	}
	if vals, err := ParseTypedArgs(" "); err != nil || vals != nil {
		t.Fatalf("empty: %v, %v", vals, err)
	}
	for _, bad := range []struct {
		in  string
		err error
	}{
		{"1000", ErrValue},
		{"uint7:1", ErrType},
		{"uint8:300", ErrValue},
		{"uint8[]:[1,2", ErrValue},
	} {
		if _, err := ParseTypedArgs(bad.in); !errors.Is(err, bad.err) {
			t.Errorf("ParseTypedArgs(%q) error = %v, want %v", bad.in, err, bad.err)
		}
	}
}

func TestErrorKindsAreDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrSignature, ErrType, ErrArgCount, ErrValue, ErrDecode}
	for i, a := range kinds {
		for j, b := range kinds {
			if errors.Is(a, b) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
}
