package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The small part of kubectl's JSONPath the audits use: field paths with
// [*] and [N], in a custom column or a {…} template.

// evalPath returns the values a path selects; none when a field is
// missing (kubectl allows missing keys by default).
func evalPath(path string, root any) ([]any, error) {
	path = strings.TrimSpace(path)
	path = strings.TrimPrefix(strings.TrimSuffix(path, "}"), "{")
	if !strings.HasPrefix(path, ".") {
		return nil, fmt.Errorf("unsupported JSONPath %q", path)
	}
	cur := []any{root}
	for _, seg := range splitPath(path[1:]) {
		name, index, hasIndex := strings.Cut(seg, "[")
		var next []any
		for _, v := range cur {
			if name != "" {
				m, ok := v.(map[string]any)
				if !ok {
					continue
				}
				x, ok := m[name]
				if !ok || x == nil {
					continue
				}
				v = x
			}
			if !hasIndex {
				next = append(next, v)
				continue
			}
			arr, ok := v.([]any)
			if !ok {
				continue
			}
			index = strings.TrimSuffix(index, "]")
			if index == "*" {
				next = append(next, arr...)
				continue
			}
			i, err := strconv.Atoi(index)
			if err != nil {
				return nil, fmt.Errorf("unsupported JSONPath index %q", index)
			}
			if i >= 0 && i < len(arr) {
				next = append(next, arr[i])
			}
		}
		cur = next
	}
	return cur, nil
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	data, _ := json.Marshal(v)
	return string(data)
}

// jsonpathTemplate renders a template of literal text and {…} paths.
func jsonpathTemplate(tmpl string, obj any) (string, error) {
	var b strings.Builder
	for tmpl != "" {
		i := strings.Index(tmpl, "{")
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		j := strings.Index(tmpl[i:], "}")
		if j < 0 {
			return "", fmt.Errorf("unclosed action in template %q", tmpl)
		}
		vals, err := evalPath(tmpl[i:i+j+1], obj)
		if err != nil {
			return "", err
		}
		for k, v := range vals {
			if k > 0 {
				b.WriteString(" ")
			}
			b.WriteString(formatValue(v))
		}
		tmpl = tmpl[i+j+1:]
	}
	return b.String(), nil
}
