package rbac

import (
	"errors"
	"strconv"
)

// Selector is a label selector (metav1.LabelSelector): every label of
// MatchLabels and every requirement must hold. A selector with neither
// matches every object.
type Selector struct {
	MatchLabels      map[string]string
	MatchExpressions []Requirement
}

// Requirement is one of a selector's matchExpressions.
type Requirement struct {
	Key      string
	Operator Operator
	Values   []string
}

// Operator is a matchExpressions operator.
type Operator string

// The operators of label selectors.
const (
	In           Operator = "In"
	NotIn        Operator = "NotIn"
	Exists       Operator = "Exists"
	DoesNotExist Operator = "DoesNotExist"
)

// validate refuses what the API server refuses in a label selector
// before matching anything with it.
func (r Requirement) validate() error {
	switch r.Operator {
	case In, NotIn:
		if len(r.Values) == 0 {
			return errors.New("operator " + string(r.Operator) + " needs values")
		}
	case Exists, DoesNotExist:
		if len(r.Values) != 0 {
			return errors.New("operator " + string(r.Operator) + " takes no values")
		}
	default:
		return errors.New("unknown operator " + strconv.Quote(string(r.Operator)))
	}
	return nil
}

// Matches reports whether labels satisfy the selector.
func (s Selector) Matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		if !r.Matches(labels) {
			return false
		}
	}
	return true
}

// Matches reports whether labels satisfy the requirement: In wants the
// key with one of the values, NotIn the key absent or with none of them,
// Exists the key, DoesNotExist its absence. An unknown operator matches
// nothing.
func (r Requirement) Matches(labels map[string]string) bool {
	v, ok := labels[r.Key]
	switch r.Operator {
	case In:
		return ok && contains(r.Values, v)
	case NotIn:
		return !ok || !contains(r.Values, v)
	case Exists:
		return ok
	case DoesNotExist:
		return !ok
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
