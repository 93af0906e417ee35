package mapping_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackageDoesNoIO checks that the package imports nothing that does
// network I/O or runs programs, and none of the client packages.
func TestPackageDoesNoIO(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found:", err)
	}

	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	require.NoError(t, err)

	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/qooper/hrsync/mapping", "go list output")
	for _, forbidden := range []string{
		"net",
		"net/http",
		"os/exec",
		"github.com/qooper/hrsync/hibob",
		"github.com/qooper/hrsync/qooper",
		"github.com/qooper/hrsync/syncer",
		"github.com/qooper/hrsync/internal/rest",
	} {
		assert.NotContains(t, deps, forbidden)
	}
}
