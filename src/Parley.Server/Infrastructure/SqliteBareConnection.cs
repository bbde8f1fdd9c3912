#pragma warning disable EF1001 // SqliteRelationalConnection is EF's internal API; its CreateDbConnection is the one seam for this.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Server.Infrastructure;

/// <summary>
/// EF's SQLite connection without the functions EF adds to every connection it creates (regexp, ef_add, ef_sum, …, for
/// Regex.IsMatch and decimal arithmetic in queries, which Parley does not use). Microsoft.Data.Sqlite registers such
/// functions again on every open of a pooled connection, and EF opens one for every query: under chat load the
/// registrations, and the finalizers of the native hooks they replaced, took about a tenth of the server's CPU.
/// What Parley needs on a connection (like(), pragmas) is set once per native connection by <see cref="SqlitePragmas"/>.
/// </summary>
internal sealed class SqliteBareConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}

internal static class SqliteBareConnectionOptions
{
    public static DbContextOptionsBuilder UseSqliteBareConnection(this DbContextOptionsBuilder options) =>
        options.ReplaceService<ISqliteRelationalConnection, SqliteBareConnection>();
}
