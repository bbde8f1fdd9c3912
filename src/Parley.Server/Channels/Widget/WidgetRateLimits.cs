using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Parley.Server.Channels.Widget;

/// <summary>
/// Visitors' limits: hub actions per visitor and per IP address (one office behind one address shares the larger one),
/// and the widget's REST endpoints per IP. A refusal reads "slow down" so the widget can say it.
/// </summary>
public sealed class WidgetRateLimits : IDisposable
{
    public const string RequestsPolicy = "widget-requests";
    public const string UploadsPolicy = "widget-uploads";
    public const string SlowDown = "You are sending too fast. Please slow down and try again in a minute.";

    private readonly PartitionedRateLimiter<string> _perVisitor;
    private readonly PartitionedRateLimiter<string> _perIp;

    public WidgetRateLimits(IOptions<WidgetOptions> options)
    {
        var o = options.Value;
        _perVisitor = PerMinute(o.MessagesPerMinutePerVisitor);
        _perIp = PerMinute(o.MessagesPerMinutePerIp);
    }

    /// <summary>Takes one action from the visitor's and the address's allowance; false means slow down.</summary>
    public bool TryAcquire(string visitorKey, IPAddress? ip)
    {
        using var visitor = _perVisitor.AttemptAcquire(visitorKey);
        if (!visitor.IsAcquired) return false;
        using var address = _perIp.AttemptAcquire(ip?.ToString() ?? "unknown");
        return address.IsAcquired;
    }

    public void Dispose()
    {
        _perVisitor.Dispose();
        _perIp.Dispose();
    }

    private static PartitionedRateLimiter<string> PerMinute(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(permits)));

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };

    /// <summary>The ASP.NET Core rate limiter policies of the widget's REST endpoints, per IP address.</summary>
    public static void AddPolicies(RateLimiterOptions limiter, WidgetOptions o)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(RequestsPolicy, http => RateLimitPartition.GetFixedWindowLimiter(Ip(http), _ => Window(o.RequestsPerMinutePerIp)));
        limiter.AddPolicy(UploadsPolicy, http => RateLimitPartition.GetFixedWindowLimiter(Ip(http), _ => Window(o.UploadsPerMinutePerIp)));
        limiter.OnRejected = async (context, ct) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "60";
            await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Slow down", Detail = SlowDown },
            });
        };
    }

    private static string Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
