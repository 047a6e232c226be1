package rlp

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/holiman/uint256"
)

// node is a decoded RLP tree: a string (isList false) or a list.
type node struct {
	isList bool
	str    []byte
	items  []node
}

// decodeTree decodes every item of b into a tree.
func decodeTree(b []byte) ([]node, error) {
	var out []node
	for len(b) > 0 {
		kind, content, rest, err := Split(b)
		if err != nil {
			return nil, err
		}
		if kind == List {
			items, err := decodeTree(content)
			if err != nil {
				return nil, err
			}
			out = append(out, node{isList: true, items: items})
		} else {
			out = append(out, node{str: content})
		}
		b = rest
	}
	return out, nil
}

// encodeTree encodes n with the Append helpers.
func encodeTree(dst []byte, n node) []byte {
	if !n.isList {
		return AppendString(dst, n.str)
	}
	var payload []byte
	for _, it := range n.items {
		payload = encodeTree(payload, it)
	}
	return AppendList(dst, payload)
}

// treeSize computes the encoded size of n with the Size helpers.
func treeSize(n node) int {
	if !n.isList {
		return StringSize(n.str)
	}
	payload := 0
	for _, it := range n.items {
		payload += treeSize(it)
	}
	return ListSize(payload)
}

// fromJSON turns a vector's JSON value into a tree; integers become their
// canonical big-endian bytes.
func fromJSON(t *testing.T, v any) node {
	t.Helper()
	switch v := v.(type) {
	case string:
		return node{str: []byte(v)}
	case json.Number:
		i, err := uint256.FromDecimal(v.String())
		if err != nil {
			t.Fatalf("bad integer %s: %v", v, err)
		}
		b := i.Bytes() // big-endian, no leading zeros; zero is empty
		return node{str: b}
	case []any:
		n := node{isList: true, items: []node{}}
		for _, it := range v {
			n.items = append(n.items, fromJSON(t, it))
		}
		return n
	case map[string]any:
		b, err := hex.DecodeString(v["bytes"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return node{str: b}
	}
	t.Fatalf("unsupported JSON value %T", v)
	return node{}
}

func equalTree(a, b node) bool {
	if a.isList != b.isList || !bytes.Equal(a.str, b.str) || len(a.items) != len(b.items) {
		return false
	}
	for i := range a.items {
		if !equalTree(a.items[i], b.items[i]) {
			return false
		}
	}
	return true
}

type vectorFile struct {
	Valid []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
		Hex   string `json:"hex"`
	} `json:"valid"`
	Invalid []struct {
		Name string `json:"name"`
		Op   string `json:"op"`
		Hex  string `json:"hex"`
		Err  string `json:"err"`
	} `json:"invalid"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	f, err := os.Open("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var v vectorFile
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 {
		t.Fatal("no vectors")
	}
	return v
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestVectorsValid(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Valid {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			want := mustHex(t, v.Hex)
			n := fromJSON(t, v.Value)
			if got := encodeTree(nil, n); !bytes.Equal(got, want) {
				t.Errorf("encode = %x, want %x", got, want)
			}
			if got := treeSize(n); got != len(want) {
				t.Errorf("size = %d, want %d", got, len(want))
			}
			items, err := decodeTree(want)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(items) != 1 || !equalTree(items[0], n) {
				t.Errorf("decode = %+v, want %+v", items, n)
			}
			if num, ok := v.Value.(json.Number); ok {
				checkInteger(t, num, want)
			}
		})
	}
}

// checkInteger checks the integer helpers on an integer vector.
func checkInteger(t *testing.T, num json.Number, enc []byte) {
	t.Helper()
	want, err := uint256.FromDecimal(num.String())
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendUint256(nil, want); !bytes.Equal(got, enc) {
		t.Errorf("AppendUint256 = %x, want %x", got, enc)
	}
	if got := Uint256Size(want); got != len(enc) {
		t.Errorf("Uint256Size = %d, want %d", got, len(enc))
	}
	got, rest, err := SplitUint256(enc)
	if err != nil || len(rest) != 0 || !got.Eq(want) {
		t.Errorf("SplitUint256 = %v, %x, %v; want %v", &got, rest, err, want)
	}
	if want.IsUint64() {
		u := want.Uint64()
		if got := AppendUint64(nil, u); !bytes.Equal(got, enc) {
			t.Errorf("AppendUint64 = %x, want %x", got, enc)
		}
		if got := Uint64Size(u); got != len(enc) {
			t.Errorf("Uint64Size = %d, want %d", got, len(enc))
		}
		got, rest, err := SplitUint64(enc)
		if err != nil || len(rest) != 0 || got != u {
			t.Errorf("SplitUint64 = %d, %x, %v; want %d", got, rest, err, u)
		}
	} else if _, _, err := SplitUint64(enc); !errors.Is(err, ErrUint64Overflow) {
		t.Errorf("SplitUint64 error = %v, want ErrUint64Overflow", err)
	}
}

var errorsByName = map[string]error{
	"ErrUnexpectedEnd":       ErrUnexpectedEnd,
	"ErrValueTooLarge":       ErrValueTooLarge,
	"ErrNonCanonicalSize":    ErrNonCanonicalSize,
	"ErrNonCanonicalInteger": ErrNonCanonicalInteger,
	"ErrExpectedString":      ErrExpectedString,
	"ErrExpectedList":        ErrExpectedList,
	"ErrTrailingBytes":       ErrTrailingBytes,
	"ErrUint64Overflow":      ErrUint64Overflow,
	"ErrUint256Overflow":     ErrUint256Overflow,
	"ErrWrongSize":           ErrWrongSize,
}

// runOp applies the decoding operation an invalid vector names to b.
func runOp(op string, b []byte) error {
	var err error
	switch op {
	case "split":
		_, _, _, err = Split(b)
	case "tree":
		_, err = decodeTree(b)
	case "list":
		_, err = ListContent(b)
	case "string":
		_, err = StringContent(b)
	case "uint64":
		var c []byte
		if c, err = StringContent(b); err == nil {
			_, err = Uint64(c)
		}
	case "uint256":
		var c []byte
		if c, err = StringContent(b); err == nil {
			_, err = Uint256(c)
		}
	default:
		return fmt.Errorf("unknown op %q", op)
	}
	return err
}

func TestVectorsInvalid(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Invalid {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			want, ok := errorsByName[v.Err]
			if !ok {
				t.Fatalf("unknown error %q", v.Err)
			}
			err := runOp(v.Op, mustHex(t, v.Hex))
			if !errors.Is(err, want) {
				t.Fatalf("error = %v, want %v", err, want)
			}
			for name, other := range errorsByName {
				if name != v.Err && errors.Is(err, other) {
					t.Errorf("error %v also matches %s", err, name)
				}
			}
		})
	}
}

func TestErrorsDistinct(t *testing.T) {
	t.Parallel()
	for name, err := range errorsByName {
		for other, o := range errorsByName {
			if (name == other) != errors.Is(err, o) {
				t.Errorf("errors.Is(%s, %s) = %v", name, other, errors.Is(err, o))
			}
		}
	}
}

// TestLongSizes checks headers whose size takes two and three bytes.
func TestLongSizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		size   int
		header string // string header; the list header is the same +0x40
	}{
		{56, "b838"},
		{255, "b8ff"},
		{256, "b90100"},
		{1024, "b90400"},
		{65535, "b9ffff"},
		{65536, "ba010000"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			t.Parallel()
			payload := bytes.Repeat([]byte{'a'}, tc.size)
			enc := AppendString(nil, payload)
			if got := hex.EncodeToString(enc[:len(enc)-tc.size]); got != tc.header {
				t.Errorf("string header = %s, want %s", got, tc.header)
			}
			if StringSize(payload) != len(enc) || HeaderSize(tc.size) != len(tc.header)/2 {
				t.Errorf("sizes disagree with encoding")
			}
			got, err := StringContent(enc)
			if err != nil || !bytes.Equal(got, payload) {
				t.Errorf("StringContent: %v", err)
			}
			list := AppendList(nil, payload) // payload of 'a' bytes = valid items
			wantList := fmt.Sprintf("%02x", mustHex(t, tc.header)[0]+0x40) + tc.header[2:]
			if got := hex.EncodeToString(list[:len(list)-tc.size]); got != wantList {
				t.Errorf("list header = %s, want %s", got, wantList)
			}
			if n, err := ListContent(list); err != nil || len(n) != tc.size {
				t.Errorf("ListContent: %v", err)
			}
			if n, err := CountItems(payload); err != nil || n != tc.size {
				t.Errorf("CountItems = %d, %v", n, err)
			}
		})
	}
}

func TestAppendStringHeader(t *testing.T) {
	t.Parallel()
	b := []byte(strings.Repeat("x", 60))
	got := append(AppendStringHeader(nil, len(b)), b...)
	if !bytes.Equal(got, AppendString(nil, b)) {
		t.Errorf("AppendStringHeader+bytes = %x, want %x", got, AppendString(nil, b))
	}
}

func TestIter(t *testing.T) {
	t.Parallel()
	// [1024, "dog", [0x3535..35 (20 bytes)], 2^256-1, ["cat"]]
	addr := bytes.Repeat([]byte{0x35}, 20)
	max := new(uint256.Int).SetAllOne()
	var payload []byte
	payload = AppendUint64(payload, 1024)
	payload = AppendString(payload, []byte("dog"))
	payload = AppendList(payload, AppendString(nil, addr))
	payload = AppendUint256(payload, max)
	payload = AppendList(payload, AppendString(nil, []byte("cat")))
	enc := AppendList(nil, payload)

	content, err := ListContent(enc)
	if err != nil {
		t.Fatal(err)
	}
	it := NewIter(content)
	if v := it.Uint64(); v != 1024 {
		t.Errorf("Uint64 = %d", v)
	}
	if b := it.Bytes(); string(b) != "dog" {
		t.Errorf("Bytes = %q", b)
	}
	inner := it.List()
	var got [20]byte
	inner.Fixed(got[:])
	if err := inner.Finish(); err != nil || !bytes.Equal(got[:], addr) {
		t.Errorf("inner list: %x, %v", got, err)
	}
	var u uint256.Int
	it.Uint256(&u)
	if !u.Eq(max) {
		t.Errorf("Uint256 = %v", &u)
	}
	raw := it.Raw()
	if want := AppendList(nil, AppendString(nil, []byte("cat"))); !bytes.Equal(raw, want) {
		t.Errorf("Raw = %x, want %x", raw, want)
	}
	if it.More() {
		t.Error("More after last item")
	}
	if err := it.Finish(); err != nil {
		t.Errorf("Finish: %v", err)
	}
}

func TestIterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		read    func(it *Iter)
		want    error
	}{
		{"too few items", "01", func(it *Iter) { it.Uint64(); it.Uint64() }, ErrUnexpectedEnd},
		{"too many items", "0102", func(it *Iter) { it.Uint64() }, ErrTrailingBytes},
		{"list as string", "c0", func(it *Iter) { it.Bytes() }, ErrExpectedString},
		{"string as list", "80", func(it *Iter) { it.List() }, ErrExpectedList},
		{"bad integer", "820001", func(it *Iter) { it.Uint64() }, ErrNonCanonicalInteger},
		{"bad uint256", "820001", func(it *Iter) { var u uint256.Int; it.Uint256(&u) }, ErrNonCanonicalInteger},
		{"wrong size", "8401020304", func(it *Iter) { var b [3]byte; it.Fixed(b[:]) }, ErrWrongSize},
		{"bad header", "8100", func(it *Iter) { it.Raw() }, ErrNonCanonicalSize},
		{"sticky", "c0", func(it *Iter) { it.Bytes(); it.List() }, ErrExpectedString},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			it := NewIter(mustHex(t, tc.content))
			tc.read(&it)
			if err := it.Finish(); !errors.Is(err, tc.want) {
				t.Errorf("Finish = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestIterNext(t *testing.T) {
	t.Parallel()
	it := NewIter(mustHex(t, "0183646f67c0"))
	var kinds []Kind
	for {
		k, _, ok := it.Next()
		if !ok {
			break
		}
		kinds = append(kinds, k)
	}
	if fmt.Sprint(kinds) != "[byte string list]" || it.Err() != nil {
		t.Errorf("kinds = %v, err = %v", kinds, it.Err())
	}
}

func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 128)
	v := uint256.NewInt(1)
	v.Lsh(v, 200)
	data := []byte("some calldata")
	allocs := testing.AllocsPerRun(100, func() {
		b := AppendUint64(buf[:0], 123456)
		b = AppendUint256(b, v)
		b = AppendString(b, data)
		_ = AppendListHeader(b, 1000)
	})
	if allocs != 0 {
		t.Errorf("append into a sized buffer allocates %v times", allocs)
	}
}

func BenchmarkSplitList(b *testing.B) {
	var payload []byte
	for i := range 11 {
		payload = AppendUint64(payload, uint64(i)<<40)
	}
	enc := AppendList(nil, payload)
	b.ReportAllocs()
	for b.Loop() {
		content, _ := ListContent(enc)
		it := NewIter(content)
		for it.More() {
			it.Uint64()
		}
		if it.Finish() != nil {
			b.Fatal("decode failed")
		}
	}
}
