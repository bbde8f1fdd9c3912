using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Parley.Server.Infrastructure;

/// <summary>
/// An EF compiled query (<see cref="EF.CompileAsyncQuery"/>), compiled once for each model it meets. For a query run on
/// every message, building its expression and finding it in EF's query cache cost about as much CPU as running it. EF
/// binds a compiled query to the first model that runs it and refuses any other, and one process can hold more than one
/// model: SQLite's and PostgreSQL's in the test run.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext db)
    {
        var model = db.Model;
        return _byModel.TryGetValue(model, out var query) ? query : _byModel.GetValue(model, _ => compile());
    }
}
