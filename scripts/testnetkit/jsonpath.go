package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// errNoField: a path does not name a value of the document.
var errNoField = errors.New("no such field")

// extract returns the value at path in the JSON document doc. The path is
// dot-separated object keys and array indexes ("listenAddrs.0"); "" or "."
// is the whole document; a trailing "#" gives the length of an array or
// object. Strings come out unquoted, anything else as compact JSON, so a
// shell can use the answer directly.
func extract(doc []byte, path string) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", errors.New("not JSON: trailing data")
	}
	path = strings.TrimPrefix(path, ".")
	var steps []string
	if path != "" {
		steps = strings.Split(path, ".")
	}
	for i, step := range steps {
		if step == "#" && i == len(steps)-1 {
			switch x := v.(type) {
			case []any:
				return strconv.Itoa(len(x)), nil
			case map[string]any:
				return strconv.Itoa(len(x)), nil
			}
			return "", fmt.Errorf("%w: %q: # of a %s", errNoField, strings.Join(steps[:i], "."), kindOf(v))
		}
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[step]
			if !ok {
				return "", fmt.Errorf("%w: %q", errNoField, strings.Join(steps[:i+1], "."))
			}
			v = next
		case []any:
			n, err := strconv.Atoi(step)
			if err != nil || n < 0 || n >= len(x) {
				return "", fmt.Errorf("%w: %q: index out of %d elements", errNoField, strings.Join(steps[:i+1], "."), len(x))
			}
			v = x[n]
		default:
			return "", fmt.Errorf("%w: %q: a %s has no fields", errNoField, strings.Join(steps[:i+1], "."), kindOf(v))
		}
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	out, err := json.Marshal(v)
	return string(out), err
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// indentJSON writes data indented, with a final newline.
func indentJSON(w io.Writer, data []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
