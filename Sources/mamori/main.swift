print("mamori")
