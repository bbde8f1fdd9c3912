using Parley.Domain.Common;

namespace Parley.Domain.Tests.Common;

public class DecisionTests
{
    [Fact]
    public void And_Allowed_ReturnsNextDecision()
    {
        var next = Decision.Forbidden("Not this time.");

        Assert.Equal(next, Decision.Allow.And(() => next));
    }

    [Fact]
    public void And_Denied_KeepsFirstDenialAndSkipsNext()
    {
        var called = false;
        var first = Decision.Conflict("Already done.");

        var result = first.And(() =>
        {
            called = true;
            return Decision.Allow;
        });

        Assert.Equal(first, result);
        Assert.False(called);
    }

    [Fact]
    public void RuleViolationException_Decision_CarriesReasonAsMessage()
    {
        var ex = new RuleViolationException(Decision.Invalid("A rating is a whole number from 1 to 5."));

        Assert.Equal(DenialKind.Invalid, ex.Decision.Kind);
        Assert.Equal("A rating is a whole number from 1 to 5.", ex.Message);
    }
}
