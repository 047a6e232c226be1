package bip39

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// WordCount is the number of words in a BIP-39 word list: each word encodes
// 11 bits.
const WordCount = 2048

// bitsPerWord is the information each word carries (2^11 = WordCount).
const bitsPerWord = 11

// englishText is the BIP-39 English word list exactly as published: 2048
// lower-case ASCII words, sorted, one per line, each line ending in "\n".
//
//go:embed english.txt
var englishText string

// english splits the embedded list once, on first use. The list is a fixed
// table, so a malformed one is a build defect and panics, which the package
// tests catch before any release.
var english = sync.OnceValue(func() []string {
	words := strings.Split(strings.TrimSuffix(englishText, "\n"), "\n")
	if len(words) != WordCount || !sort.StringsAreSorted(words) {
		panic("bip39: embedded english.txt is not a sorted 2048-word list")
	}
	return words
})

// EnglishWords returns a copy of the English word list, in order.
func EnglishWords() []string {
	return append([]string(nil), english()...)
}

// wordIndex returns the position of w in the English list. The list is
// sorted, so a binary search is exact and needs no map.
func wordIndex(w string) (int, bool) {
	words := english()
	i := sort.SearchStrings(words, w)
	if i < len(words) && words[i] == w {
		return i, true
	}
	return 0, false
}
