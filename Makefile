.PHONY: demo test bench load load-nginx lint format ci
demo:   ## set up and start the platform with demo data
	bash scripts/start-demo.sh
test:   ## lint and run the whole test suite (DATABASE_URL picks the database)
	bash scripts/test.sh
bench:  ## benchmarks at Pudong scale; figures go to benchmarks/results.json and .md
	bash scripts/bench.sh
load:   ## load test: 500 judges and 200 readers against gunicorn + PostgreSQL for 3 minutes
	bash scripts/load.sh
load-nginx:   ## the same through nginx (deploy/nginx.conf's proxy settings)
	LOAD_PROXY=nginx bash scripts/load.sh
lint:
	.venv/bin/ruff check src tests
format:
	.venv/bin/ruff format src tests && .venv/bin/ruff check --fix src tests
ci:     ## what CI runs
	bash .ci/run
