-- wrk: POST a webhook-sized JSON body (the receiver's own ceiling on one connection).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.rep("x", 600)
