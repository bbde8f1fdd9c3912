using Parley.Data;

namespace Parley.Server.Infrastructure;

public static class Health
{
    /// <summary><c>/health</c>: 200 when the database answers, 503 otherwise.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (ParleyDbContext db, CancellationToken ct) =>
        {
            try
            {
                return await db.Database.CanConnectAsync(ct)
                    ? Results.Ok(new { status = "healthy", database = db.Database.ProviderName })
                    : Results.Json(new { status = "unhealthy", database = "unreachable" }, statusCode: 503);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "unhealthy", database = "unreachable" }, statusCode: 503);
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
