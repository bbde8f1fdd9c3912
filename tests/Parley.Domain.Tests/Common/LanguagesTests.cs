using Parley.Domain.Common;

namespace Parley.Domain.Tests.Common;

public class LanguagesTests
{
    [Theory]
    [InlineData("uk", "uk")]
    [InlineData("uk-UA", "uk")]
    [InlineData("EN_us", "en")]
    [InlineData(" en ", "en")]
    [InlineData("PL", "pl")]
    [InlineData("zh-Hant-TW", "zh")]
    [InlineData("fil", "fil")]
    public void Normalize_LanguageTag_TwoOrThreeLetterLowercaseCode(string input, string expected)
    {
        Assert.Equal(expected, Languages.Normalize(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("e")]
    [InlineData("english")]
    [InlineData("12")]
    [InlineData("-en")]
    [InlineData("ук")]
    [InlineData("e1")]
    public void Normalize_Garbage_Null(string? input)
    {
        Assert.Null(Languages.Normalize(input));
    }

    [Fact]
    public void BuiltIn_SupportedLanguages_UkEnRuPl()
    {
        Assert.Equal(["uk", "en", "ru", "pl"], Languages.BuiltIn);
    }
}
