using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Parley.Server.Infrastructure;

/// <summary>
/// Keeps SQLite's compiled statements per native connection, so a query the server runs again is not compiled again.
/// Microsoft.Data.Sqlite compiles a command's SQL on every execution and finalises it when the command is disposed
/// (EF Core makes a new command for every query and every SaveChanges); compiling was about 70 µs of the 150 µs a
/// chat message's statement cost, with the same dozen texts compiled over and over. The library has no statement cache
/// (dotnet/efcore#14044), so this one sits underneath it, in SQLitePCLRaw's provider: a finalised statement is reset
/// and kept for its connection and text instead, and the next prepare of the same text on that connection gets it back.
/// A connection that closes finalises what it kept. SQLite recompiles a kept statement by itself when the schema
/// changed since (sqlite3_prepare_v2's contract), so a migration or a temporary table is no reason to drop it.
/// </summary>
internal static class SqliteStatementCache
{
    /// <summary>Statements kept per connection: the server's distinct texts (chat, inbox filters, counts) with room to spare.</summary>
    public const int KeptPerConnection = 256;

    private static readonly Lock InstallLock = new();
    private static CachingProvider? _installed;

    /// <summary>Puts the cache under Microsoft.Data.Sqlite, once per process.</summary>
    public static void Install()
    {
        lock (InstallLock)
        {
            if (_installed is not null) return;
            // Microsoft.Data.Sqlite sets its provider in SqliteConnection's static constructor; ours has to come after it.
            RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
            _installed = new CachingProvider(new SQLite3Provider_e_sqlite3());
            raw.SetProvider(_installed);
        }
    }

    /// <summary>What one native connection compiled, reused and keeps idle; null for a connection that closed (or none).</summary>
    public static (int Compiled, int Reused, int Idle)? Of(IntPtr connection)
    {
        if (_installed is not { } provider || !provider.Connections.TryGetValue(connection, out var kept)) return null;
        lock (kept) return (kept.Compiled, kept.Reused, kept.Idle);
    }

    /// <summary>The kept statements of one native connection, by text.</summary>
    internal sealed class Kept
    {
        public readonly Dictionary<int, List<Text>> ByHash = [];
        public int Idle;
        public int Compiled;
        public int Reused;
        public bool Closed;

        public Text? Find(ReadOnlySpan<byte> sql, int hash)
        {
            if (!ByHash.TryGetValue(hash, out var texts)) return null;
            foreach (var text in texts)
            {
                if (sql.SequenceEqual(text.Sql)) return text;
            }

            return null;
        }

        public Text Add(ReadOnlySpan<byte> sql, int hash, int tailLength)
        {
            if (!ByHash.TryGetValue(hash, out var texts)) ByHash[hash] = texts = [];
            var text = new Text(sql.ToArray(), tailLength);
            texts.Add(text);
            return text;
        }
    }

    /// <summary>One SQL text (the rest of a command from this statement on) and its idle compiled statements.</summary>
    internal sealed class Text(byte[] sql, int tailLength)
    {
        public byte[] Sql { get; } = sql;
        public int TailLength { get; } = tailLength;
        public Stack<IntPtr> Idle { get; } = new();
    }

    private sealed class CachingProvider(ISQLite3Provider inner) : ForwardingSqliteProvider(inner)
    {
        private readonly ISQLite3Provider _inner = inner;
        private readonly ConcurrentDictionary<IntPtr, (Kept Connection, Text Text)> _owners = new();

        public ConcurrentDictionary<IntPtr, Kept> Connections { get; } = new();

        public override int sqlite3_prepare_v2(sqlite3 db, ReadOnlySpan<byte> sql, out IntPtr stmt, out ReadOnlySpan<byte> remain)
        {
            var kept = Connections.GetOrAdd(db.DangerousGetHandle(), static _ => new Kept());
            var hash = Hash(sql);
            lock (kept)
            {
                if (kept.Find(sql, hash) is { } text && text.Idle.TryPop(out stmt))
                {
                    kept.Idle--;
                    kept.Reused++;
                    remain = sql[(sql.Length - text.TailLength)..];
                    return raw.SQLITE_OK;
                }
            }

            var rc = _inner.sqlite3_prepare_v2(db, sql, out stmt, out remain);
            if (rc != raw.SQLITE_OK || stmt == IntPtr.Zero) return rc;
            lock (kept)
            {
                kept.Compiled++;
                var text = kept.Find(sql, hash) ?? kept.Add(sql, hash, remain.Length);
                _owners[stmt] = (kept, text);
            }

            return rc;
        }

        public override int sqlite3_finalize(IntPtr stmt)
        {
            if (!_owners.TryGetValue(stmt, out var owner)) return _inner.sqlite3_finalize(stmt);
            lock (owner.Connection)
            {
                if (!owner.Connection.Closed && owner.Connection.Idle < KeptPerConnection)
                {
                    // Finalize reports the statement's last error; reset reports the same, and leaves it ready to run again.
                    var rc = Native.sqlite3_reset(stmt);
                    _ = Native.sqlite3_clear_bindings(stmt);
                    owner.Text.Idle.Push(stmt);
                    owner.Connection.Idle++;
                    return rc;
                }
            }

            _owners.TryRemove(stmt, out _);
            return _inner.sqlite3_finalize(stmt);
        }

        public override int sqlite3_close_v2(IntPtr db) => _inner.sqlite3_close_v2(Forget(db));

        public override int sqlite3_close(IntPtr db) => _inner.sqlite3_close(Forget(db));

        /// <summary>Finalises what the closing connection kept; statements still in use are finalised when they are done.</summary>
        private IntPtr Forget(IntPtr db)
        {
            if (!Connections.TryRemove(db, out var kept)) return db;
            lock (kept)
            {
                kept.Closed = true;
                foreach (var text in kept.ByHash.Values.SelectMany(t => t))
                {
                    while (text.Idle.TryPop(out var stmt))
                    {
                        _owners.TryRemove(stmt, out _);
                        _inner.sqlite3_finalize(stmt);
                    }
                }

                kept.Idle = 0;
            }

            return db;
        }

        private static int Hash(ReadOnlySpan<byte> sql)
        {
            var hash = new HashCode();
            hash.AddBytes(sql);
            return hash.ToHashCode();
        }
    }

    /// <summary>
    /// Reset and clear for a statement whose managed handle is being released: the provider's own calls take that handle,
    /// which can no longer be used at this point. The same native library Microsoft.Data.Sqlite loads.
    /// </summary>
    private static class Native
    {
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_reset(IntPtr stmt);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_clear_bindings(IntPtr stmt);
    }
}
