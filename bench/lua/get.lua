-- GET the URL's path as it is: the bare endpoint, or a peer's unauthenticated route.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
