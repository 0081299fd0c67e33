import GPLRRedis

extension LLMRateLimiter {
    /// Atomically admits one request into every bucket or into none.
    ///
    /// KEYS: per bucket, its log (a sorted set of `<amount>:<id>` scored by admission time in ms) and its
    /// running sum. ARGV: window (ms), a unique id, a force flag (1: add without checking, to record usage
    /// after the fact), then per bucket its capacity and the amount. Time comes from the Redis server, so
    /// every worker shares one clock. Returns 0 when admitted, else the milliseconds to wait before enough
    /// of the window has expired (the request is then not recorded anywhere).
    static let admitScript = RedisScript(
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local id = ARGV[2]
        local force = ARGV[3] == '1'
        local buckets = #KEYS / 2
        local wait = 0
        local amounts = {}
        for i = 1, buckets do
          local log, sumkey = KEYS[2 * i - 1], KEYS[2 * i]
          local capacity = tonumber(ARGV[2 + 2 * i])
          local amount = math.min(tonumber(ARGV[3 + 2 * i]), capacity)
          amounts[i] = amount
          local sum = tonumber(redis.call('GET', sumkey) or '0')
          if redis.call('EXISTS', log) == 0 then sum = 0 end
          local expired = redis.call('ZRANGEBYSCORE', log, '-inf', now - window)
          if #expired > 0 then
            for _, member in ipairs(expired) do
              sum = sum - tonumber(string.match(member, '^(%d+):'))
            end
            redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
          end
          if sum < 0 then sum = 0 end
          redis.call('SET', sumkey, sum, 'PX', window * 2)
          if not force and sum + amount > capacity then
            local need = sum + amount - capacity
            local freed = 0
            local until_ms = window
            local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
            for j = 1, #entries, 2 do
              freed = freed + tonumber(string.match(entries[j], '^(%d+):'))
              if freed >= need then
                until_ms = tonumber(entries[j + 1]) + window - now
                break
              end
            end
            if until_ms < 1 then until_ms = 1 end
            if until_ms > wait then wait = until_ms end
          end
        end
        if wait > 0 then return wait end
        for i = 1, buckets do
          local log, sumkey = KEYS[2 * i - 1], KEYS[2 * i]
          if amounts[i] > 0 then
            redis.call('ZADD', log, now, amounts[i] .. ':' .. id)
            redis.call('INCRBY', sumkey, amounts[i])
          end
          redis.call('PEXPIRE', log, window * 2)
          redis.call('PEXPIRE', sumkey, window * 2)
        end
        return 0
        """)
}
