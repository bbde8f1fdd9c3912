using System.Globalization;
using System.Text;

namespace Parley.Bench.Data;

/// <summary>
/// Made-up but plausible support chat: client and team phrases per language with products, cities and order numbers
/// in them, short to long, and people's names. Deterministic for a given <see cref="Random"/>.
/// </summary>
public static class Synthetic
{
    /// <summary>Languages with their share of conversations; "" stands for a conversation whose language is unknown.</summary>
    public static readonly (string Code, double Share)[] Languages = [("uk", 0.45), ("en", 0.2), ("ru", 0.15), ("pl", 0.1), ("de", 0.05), ("", 0.05)];

    public static readonly string[] UkrainianCities =
    [
        "Київ", "Львів", "Одеса", "Харків", "Дніпро", "Запоріжжя", "Вінниця", "Житомир", "Полтава", "Чернігів", "Черкаси", "Суми",
        "Рівне", "Луцьк", "Тернопіль", "Ужгород", "Івано-Франківськ", "Чернівці", "Хмельницький", "Кропивницький", "Миколаїв", "Херсон",
        "Біла Церква", "Кременчук", "Мукачево", "Бровари", "Ірпінь", "Коломия", "Умань", "Ніжин",
    ];

    public static readonly string[] EnglishCities =
    [
        "London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Dublin", "Toronto", "Vancouver", "Boston", "Chicago", "Seattle", "Denver",
        "Austin", "Portland", "Edinburgh", "Bristol", "Cardiff", "Ottawa", "Calgary", "Phoenix",
    ];

    private static readonly string[] Products =
    [
        "iPhone 15", "Galaxy S24", "AirPods Pro", "MacBook Air", "Kindle Paperwhite", "Xiaomi Redmi Note 13", "PlayStation 5", "Nintendo Switch",
        "Dyson V15", "Bosch Serie 6", "Philips Hue", "Garmin Forerunner", "JBL Flip 6", "Lenovo ThinkPad", "Canon EOS R50", "Tefal Optigrill",
    ];

    private static readonly Dictionary<string, string[]> ClientPhrases = new()
    {
        ["uk"] =
        [
            "Добрий день!", "Де моя посилка?", "Я замовила {product}, коли буде доставка у {city}?", "Номер замовлення {order}.",
            "Можна оплатити карткою при отриманні?", "Товар прийшов пошкоджений, хочу повернути.", "Дякую, все зрозуміло.",
            "А є така сама модель у чорному кольорі?", "Скільки коштує доставка до відділення у місті {city}?",
            "Мені потрібна консультація щодо гарантії на {product}.", "Чи можна змінити адресу доставки?", "Вже третій день чекаю відповіді.",
            "Підкажіть, будь ласка, як скасувати замовлення {order}?", "Оплата пройшла, але статус не змінився.",
        ],
        ["ru"] =
        [
            "Здравствуйте!", "Где мой заказ {order}?", "Когда будет доставка в {city}?", "Хочу вернуть {product}, он не включается.",
            "Можно оплатить частями?", "Спасибо за помощь.", "Подскажите, есть ли {product} в наличии?", "Курьер не приехал в назначенное время.",
        ],
        ["en"] =
        [
            "Hi there!", "Where is my order {order}?", "I ordered a {product}, when will it arrive in {city}?", "Can I change the delivery address?",
            "The parcel arrived damaged and I would like a refund.", "Thanks, that helps a lot.", "Do you ship to {city}?",
            "My payment went through but the order still says pending.", "Is the {product} covered by the warranty if I drop it?",
            "I have been waiting for a reply for two days now.",
        ],
        ["pl"] =
        [
            "Dzień dobry!", "Gdzie jest moja paczka {order}?", "Kiedy będzie dostawa do {city}?", "Chcę zwrócić {product}.",
            "Czy mogę zapłacić przy odbiorze?", "Dziękuję za pomoc.",
        ],
        ["de"] =
        [
            "Guten Tag!", "Wo ist meine Bestellung {order}?", "Wann wird nach {city} geliefert?", "Ich möchte das {product} zurückgeben.",
            "Kann ich per Rechnung bezahlen?", "Vielen Dank für die Hilfe.",
        ],
    };

    private static readonly Dictionary<string, string[]> TeamPhrases = new()
    {
        ["uk"] =
        [
            "Вітаю! Зараз перевірю.", "Ваше замовлення {order} передано службі доставки.", "Доставка у {city} займає 1–2 робочі дні.",
            "Так, можна оплатити при отриманні.", "Надішліть, будь ласка, фото пошкодження, і ми оформимо повернення.",
            "Гарантія на {product} становить 12 місяців.", "Адресу змінила, нова накладна прийде в SMS.", "Дякуємо за звернення! Гарного дня.",
        ],
        ["ru"] = ["Здравствуйте! Сейчас проверю.", "Заказ {order} уже в пути.", "Доставка в {city} займёт 2 дня.", "Спасибо за обращение!"],
        ["en"] =
        [
            "Hello! Let me check that for you.", "Your order {order} has been handed to the courier.", "Delivery to {city} takes 1-2 business days.",
            "Please send a photo of the damage and we will arrange a return.", "The {product} comes with a 12-month warranty.",
            "Thank you for contacting us! Have a nice day.",
        ],
        ["pl"] = ["Dzień dobry! Już sprawdzam.", "Zamówienie {order} zostało wysłane.", "Dostawa do {city} trwa 2 dni.", "Dziękujemy za kontakt!"],
        ["de"] = ["Guten Tag! Ich schaue nach.", "Ihre Bestellung {order} ist unterwegs.", "Die Lieferung nach {city} dauert 2 Tage.", "Vielen Dank!"],
    };

    private static readonly string[] UkrainianFirst = ["Олена", "Андрій", "Марія", "Богдан", "Ірина", "Тарас", "Наталія", "Олексій", "Оксана", "Дмитро", "Світлана", "Василь", "Юлія", "Сергій", "Галина", "Петро"];

    private static readonly string[] UkrainianLast =
    [
        "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук", "Бойко", "Мельник", "Лисенко", "Руденко",
        "Савченко", "Марченко", "Гончаренко", "Кузьменко", "Левченко", "Ковальчук", "Павленко", "Харченко", "Остапчук", "Гнатюк", "Романюк", "Яковенко",
    ];

    private static readonly string[] LatinFirst = ["Emma", "Oliver", "Sophia", "James", "Anna", "Jakub", "Julia", "Lukas", "Mia", "Noah", "Zofia", "Felix", "Grace", "Henry"];

    private static readonly string[] LatinLast = ["Smith", "Johnson", "Brown", "Taylor", "Nowak", "Kowalski", "Wiśniewska", "Müller", "Schmidt", "Walker", "Wright", "Fischer", "Lewandowski", "Clarke"];

    public static string Pick(Random r, string[] items) => items[r.Next(items.Length)];

    public static string Language(Random r)
    {
        var x = r.NextDouble();
        foreach (var (code, share) in Languages)
        {
            if ((x -= share) < 0) return code;
        }

        return "uk";
    }

    /// <summary>Half the messages are one short phrase, a third two or three, the rest a long paragraph.</summary>
    public static string Message(Random r, string language, bool fromClient)
    {
        var phrases = (fromClient ? ClientPhrases : TeamPhrases).GetValueOrDefault(language.Length == 0 ? "uk" : language) ?? ClientPhrases["en"];
        var x = r.NextDouble();
        var count = x < 0.5 ? 1 : x < 0.85 ? 2 + r.Next(2) : 4 + r.Next(6);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(Fill(r, Pick(r, phrases), language));
        }

        return text.ToString();
    }

    public static string OrderNumber(Random r) => "#" + r.Next(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture);

    private static string Fill(Random r, string phrase, string language) => phrase.Contains('{', StringComparison.Ordinal)
        ? phrase.Replace("{product}", Pick(r, Products), StringComparison.Ordinal)
            .Replace("{city}", language is "uk" or "ru" or "" ? Pick(r, UkrainianCities) : Pick(r, EnglishCities), StringComparison.Ordinal)
            .Replace("{order}", OrderNumber(r), StringComparison.Ordinal)
        : phrase;

    public static string Name(Random r, string language) => language is "uk" or "ru" or ""
        ? Pick(r, UkrainianFirst) + " " + Pick(r, UkrainianLast)
        : Pick(r, LatinFirst) + " " + Pick(r, LatinLast);

    public static string UkrainianSurname(Random r) => Pick(r, UkrainianLast);
}
