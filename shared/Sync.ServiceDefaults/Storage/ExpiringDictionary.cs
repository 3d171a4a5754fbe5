using System.Collections.Concurrent;

namespace Sync.ServiceDefaults.Storage;

/// <summary>
/// A map whose entries expire as Redis keys with a TTL do: an expired entry reads as absent, and expired entries are
/// purged as writes go on. The in-memory stores of the embedded host keep with it what their Redis twins keep, no more.
/// </summary>
public sealed class ExpiringDictionary<TKey, TValue>(TimeProvider time, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new(comparer);
    private long _nextPurge;

    /// <summary>The live entries' values.</summary>
    public IEnumerable<TValue> Values
    {
        get
        {
            var now = time.GetUtcNow();
            return _entries.Values.Where(entry => entry.ExpiresAt > now).Select(entry => entry.Value);
        }
    }

    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Sets the value, to expire <paramref name="keepFor"/> from now.</summary>
    public void Set(TKey key, TValue value, TimeSpan keepFor)
    {
        _entries[key] = new Entry(value, time.GetUtcNow() + keepFor);
        PurgeWhenDue();
    }

    /// <summary>Adds the value unless a live entry has the key (SET NX with a TTL); false then.</summary>
    public bool TryAdd(TKey key, TValue value, TimeSpan keepFor)
    {
        PurgeWhenDue();
        var added = new Entry(value, time.GetUtcNow() + keepFor);
        while (true)
        {
            if (_entries.TryAdd(key, added))
                return true;
            if (!_entries.TryGetValue(key, out var existing))
                continue;
            if (existing.ExpiresAt > time.GetUtcNow())
                return false;
            if (_entries.TryUpdate(key, added, existing))
                return true;
        }
    }

    /// <summary>Adds or updates the value (an expired entry counts as absent) and keeps it for <paramref name="keepFor"/> from now.</summary>
    public TValue AddOrUpdate(TKey key, Func<TKey, TValue> add, Func<TKey, TValue, TValue> update, TimeSpan keepFor)
    {
        PurgeWhenDue();
        return _entries.AddOrUpdate(key,
            newKey => new Entry(add(newKey), time.GetUtcNow() + keepFor),
            (existingKey, existing) => new Entry(
                existing.ExpiresAt > time.GetUtcNow() ? update(existingKey, existing.Value) : add(existingKey),
                time.GetUtcNow() + keepFor)).Value;
    }

    /// <summary>Keeps a live entry for <paramref name="keepFor"/> from now (EXPIRE); false when there is none.</summary>
    public bool Touch(TKey key, TimeSpan keepFor)
    {
        while (_entries.TryGetValue(key, out var existing) && existing.ExpiresAt > time.GetUtcNow())
        {
            if (_entries.TryUpdate(key, existing with { ExpiresAt = time.GetUtcNow() + keepFor }, existing))
                return true;
        }
        return false;
    }

    /// <summary>Removes a live entry only while its value still matches (compare-and-delete, as a Lua script would); false otherwise.</summary>
    public bool TryRemove(TKey key, Func<TValue, bool> matches)
    {
        while (_entries.TryGetValue(key, out var existing) && existing.ExpiresAt > time.GetUtcNow() && matches(existing.Value))
        {
            // Removes the entry only as it was read, so one written again meanwhile is judged anew.
            if (_entries.TryRemove(new KeyValuePair<TKey, Entry>(key, existing)))
                return true;
        }
        return false;
    }

    private void PurgeWhenDue()
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref _nextPurge);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPurge, (now + PurgeInterval).UtcTicks, due) != due)
            return;
        foreach (var entry in _entries)
        {
            // Removes the entry only as it was read, so one written again meanwhile stays.
            if (entry.Value.ExpiresAt <= now)
                _entries.TryRemove(entry);
        }
    }

    private sealed record Entry(TValue Value, DateTimeOffset ExpiresAt);
}
