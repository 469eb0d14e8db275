# kubeproof — build, test and fixture targets. Everything runs with the Go
# toolchain alone.
GO      ?= go
BIN     ?= bin
LDFLAGS := -s -w
STATIC  := CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
# The collector is built without inlining: it is I/O bound, and this keeps
# it under its 4 MiB budget (cmd/kubeproof-collect/size_test.go checks it).
COLLECTOR_GCFLAGS := all=-l

.PHONY: all build static test fixtures bench fuzz mutate release clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# Static, stripped binaries for the nodes (amd64 and arm64) and the analyzer.
static:
	GOOS=linux GOARCH=amd64 $(STATIC) -gcflags '$(COLLECTOR_GCFLAGS)' -o $(BIN)/kubeproof-collect-linux-amd64 ./cmd/kubeproof-collect
	GOOS=linux GOARCH=arm64 $(STATIC) -gcflags '$(COLLECTOR_GCFLAGS)' -o $(BIN)/kubeproof-collect-linux-arm64 ./cmd/kubeproof-collect
	GOOS=linux GOARCH=amd64 $(STATIC) -o $(BIN)/kubeproof-linux-amd64 ./cmd/kubeproof
	@ls -l $(BIN)/kubeproof-collect-linux-amd64 $(BIN)/kubeproof-collect-linux-arm64 $(BIN)/kubeproof-linux-amd64

test:
	$(GO) test ./...

# Rebuild the committed bundles (fixtures/bundles/*.kpb) from the node specs.
fixtures:
	$(GO) test ./collector -run 'TestFixtureBundles|TestSnapshotFixtureBundles|TestFaultNonRootKubeadm' -update-fixtures

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Each fuzz target for FUZZTIME (Go runs one target per invocation).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./bundle -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./bundle -run '^$$' -fuzz '^FuzzReadTar$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./bundle -run '^$$' -fuzz '^FuzzParseManifest$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./bundle -run '^$$' -fuzz '^FuzzManifestStrict$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./bundle -run '^$$' -fuzz '^FuzzParseSignature$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./bundle -run '^$$' -fuzz '^FuzzParseKeyFile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./redact -run '^$$' -fuzz '^FuzzParseYAML$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./redact -run '^$$' -fuzz '^FuzzRedactFile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./redact -run '^$$' -fuzz '^FuzzRedactCanary$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./reports -run '^$$' -fuzz '^FuzzIndentJSON$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzParseCertificates$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzX509Differential$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzX509Fields$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzGoModInfo$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzPathsInArgs$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzPathsInText$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./catalog -run '^$$' -fuzz '^FuzzParseSection$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./waivers -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./evidence -run '^$$' -fuzz '^FuzzNodeFlag$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./evidence/rbac -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./evidence/rbac -run '^$$' -fuzz '^FuzzPolicy$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./collector -run '^$$' -fuzz '^FuzzSnapshot$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./evidence -run '^$$' -fuzz '^FuzzSnapshotMember$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./reports -run '^$$' -fuzz '^FuzzLayout$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./reports -run '^$$' -fuzz '^FuzzReportEscaping$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

# Mutation testing (gremlins; not in CI): every covered mutant of the
# bundle format, the catalog, evidence resolution and the evaluation core,
# the collector's redaction and discovery. MUTATE_PKGS narrows it (bundle
# catalog evidence analyzer redact discovery, or eval: analyzer/eval.go alone); BASE=<ref> mutates only the
# lines changed since that ref (make mutate BASE=main). Reports land in
# mutate-out/. Install: go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATE_PKGS ?=
BASE ?=
mutate:
	scripts/mutate/mutate.sh $(if $(BASE),-b $(BASE)) $(MUTATE_PKGS)

# A release into dist/ (docs/release.md): reproducible archives of both
# binaries for every platform, SBOMs, the collector's image, deploy/, and
# SHA256SUMS, signed with SIGN_KEY (a kubeproof keygen NAME.key) if given.
VERSION ?=
SIGN_KEY ?=
release:
	@test -n "$(VERSION)" || { echo 'usage: make release VERSION=x.y.z [SIGN_KEY=NAME.key]' >&2; exit 2; }
	$(GO) run ./scripts/release -version '$(VERSION)' -out dist $(if $(SIGN_KEY),-sign-key '$(SIGN_KEY)')

clean:
	rm -rf $(BIN) dist dist.tmp
