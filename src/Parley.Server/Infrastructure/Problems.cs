using Microsoft.AspNetCore.Diagnostics;
using Parley.Domain.Common;

namespace Parley.Server.Infrastructure;

/// <summary>Turns a refused rule into RFC 9457 ProblemDetails with the rule's own words, its code and values.</summary>
internal sealed class RuleViolationHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException json })
        {
            // A value that does not fit its field ("role": "janitor", "isActive": "yes"): name the field.
            var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(
                    new Dictionary<string, string[]> { [field] = [$"'{field}' has a value of the wrong type or an unknown option."] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request has invalid fields.",
                },
            });
        }

        if (exception is InvalidRequestException invalid)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(invalid.Validation.ToDictionary())
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request has invalid fields.",
                },
            });
        }

        var (status, title) = exception switch
        {
            RuleViolationException { Decision.Kind: DenialKind.Forbidden } => (StatusCodes.Status403Forbidden, "Not allowed"),
            RuleViolationException { Decision.Kind: DenialKind.Conflict } => (StatusCodes.Status409Conflict, "Conflict"),
            RuleViolationException { Decision.Kind: DenialKind.NotFound } => (StatusCodes.Status404NotFound, "Not found"),
            RuleViolationException => (StatusCodes.Status400BadRequest, "Invalid request"),
            BadHttpRequestException bad => (bad.StatusCode, "Invalid request"),
            _ => (0, ""),
        };
        if (status == 0) return false;

        context.Response.StatusCode = status;
        var details = new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception.Message },
        };
        if (exception is RuleViolationException { Decision: var decision }) AddCode(details.ProblemDetails, decision);
        return await problems.TryWriteAsync(details);
    }

    /// <summary>The refusal's stable code (and its values) next to the English detail, so a client can say it in its own language.</summary>
    private static void AddCode(Microsoft.AspNetCore.Mvc.ProblemDetails problem, Decision decision)
    {
        if (decision.Code is null) return;
        problem.Extensions["code"] = decision.Code;
        if (decision.Args.Count > 0) problem.Extensions["args"] = decision.Args;
    }
}

/// <summary>Collects field errors of a request; empty means valid.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyDictionary<string, List<string>> Errors => _errors;

    /// <summary>For use cases shared by the API and the console: invalid input stops here, before anything changes.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new InvalidRequestException(this);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public Validation Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(error);
        return this;
    }

    public Validation Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return Add(field, $"'{field}' is required.");
        return MaxLength(field, value, maxLength);
    }

    public Validation MaxLength(string field, string? value, int maxLength) =>
        value is not null && value.Length > maxLength ? Add(field, $"'{field}' must be at most {maxLength} characters.") : this;

    public Validation Check(bool ok, string field, string error) => ok ? this : Add(field, error);

    public IResult Problem() => TypedResults.ValidationProblem(ToDictionary(), title: "The request has invalid fields.");
}

/// <summary>Invalid fields found by a use case; the API answers 400 naming them, the console shows their messages.</summary>
public sealed class InvalidRequestException(Validation validation) : Exception(string.Join(" ", validation.Errors.SelectMany(e => e.Value)))
{
    public Validation Validation { get; } = validation;
}
