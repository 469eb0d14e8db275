package evidence

import (
	"slices"
	"testing"

	"github.com/kubeproof/kubeproof/catalog"
)

// TestPolicyRulesMatchCatalog: every rule the catalog may name is
// implemented here, and every rule here is one the catalog knows.
func TestPolicyRulesMatchCatalog(t *testing.T) {
	want := slices.Sorted(slices.Values(catalog.APIRules))
	if got := PolicyRules(); !slices.Equal(got, want) {
		t.Errorf("rules implemented %q, catalog.APIRules %q", got, want)
	}
}
