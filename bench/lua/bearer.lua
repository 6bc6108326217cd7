-- GET the URL's path with Authorization: Bearer BENCH_TOKEN: the protected endpoint.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
