/// The files a ``SyntheticGenerator`` writes, fed one user at a time.
///
/// Rows are formatted straight into ``BufferedFileWriter`` buffers (decimal ids, pre-escaped item names), no
/// `String` per row. The Instacart and Online Retail copies spread each purchase of count c over c of the
/// user's orders (invoices), so they ingest back to the same counts as `purchases.csv`; their extra
/// fields (weekday, hour, quantity, price) come from a second random stream so the generic files do not
/// depend on the formats asked for.
struct SyntheticSink {
    private let generator: SyntheticGenerator
    private let directory: String
    private let purchases: BufferedFileWriter
    private let truth: LabelsFileWriter
    private let orders: BufferedFileWriter?
    private let orderProducts: BufferedFileWriter?
    private let retail: BufferedFileWriter?
    private var paths: [String]
    private var extras: SeededGenerator
    private var orderCounter = 0
    private var invoiceCounter = 0
    /// Item names, kept only for the Online Retail copy (which repeats them on every row).
    private let retailNames: [String]
    /// Per user: (item, count, first order) sorted by nothing in particular; reused.
    private var placements: [(item: Int, count: Int, start: Int)] = []

    init(generator: SyntheticGenerator, directory: String, formats: Set<DatasetFormat>) throws {
        self.generator = generator
        self.directory = directory
        let purchasesPath = FileSystem.join(directory, SyntheticGenerator.purchasesFile)
        let truthPath = FileSystem.join(directory, SyntheticGenerator.truthFile)
        purchases = try BufferedFileWriter(path: purchasesPath, bufferSize: 4 << 20)
        try purchases.write("user,item,count\n")
        truth = try LabelsFileWriter(path: truthPath, personas: generator.personaSet)
        paths = [purchasesPath, FileSystem.join(directory, SyntheticGenerator.itemsFile), truthPath]
        if formats.contains(.instacart) {
            let sub = FileSystem.join(directory, SyntheticGenerator.instacartDirectory)
            try FileSystem.createDirectory(sub)
            let ordersPath = FileSystem.join(sub, "orders.csv")
            let orderProductsPath = FileSystem.join(sub, "order_products__prior.csv")
            orders = try BufferedFileWriter(path: ordersPath, bufferSize: 4 << 20)
            try orders!.write(
                "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n")
            orderProducts = try BufferedFileWriter(path: orderProductsPath, bufferSize: 4 << 20)
            try orderProducts!.write("order_id,product_id,add_to_cart_order,reordered\n")
            paths += [ordersPath, orderProductsPath, FileSystem.join(sub, "products.csv")]
        } else {
            orders = nil
            orderProducts = nil
        }
        if formats.contains(.onlineRetail) {
            let path = FileSystem.join(directory, SyntheticGenerator.onlineRetailFile)
            retail = try BufferedFileWriter(path: path, bufferSize: 4 << 20)
            try retail!.write("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n")
            paths.append(path)
            retailNames = (0..<generator.config.items).map(generator.itemName)
        } else {
            retail = nil
            retailNames = []
        }
        extras = SeededGenerator(seed: generator.config.seed ^ 0xA5A5_5A5A_C3C3_3C3C)
    }

    /// `items.csv` (and Instacart's `products.csv`): every item with its name.
    func writeItems() throws {
        let itemsOut = try BufferedFileWriter(path: FileSystem.join(directory, SyntheticGenerator.itemsFile))
        try itemsOut.write("item,name\n")
        var products: BufferedFileWriter?
        if orders != nil {
            let sub = FileSystem.join(directory, SyntheticGenerator.instacartDirectory)
            products = try BufferedFileWriter(path: FileSystem.join(sub, "products.csv"))
            try products!.write("product_id,product_name,aisle_id,department_id\n")
        }
        for item in 0..<generator.config.items {
            let name = generator.itemName(item)
            try itemsOut.write(decimal: item + 1)
            try itemsOut.write(byte: 0x2C)
            try itemsOut.write(csvField: name)
            try itemsOut.write(byte: 0x0A)
            if let products {
                // One department per persona and one more for the staples, ten aisles in each.
                let persona = generator.persona(ofItem: item) ?? generator.config.personas
                try products.write(decimal: item + 1)
                try products.write(byte: 0x2C)
                try products.write(csvField: name)
                try products.write(byte: 0x2C)
                try products.write(decimal: persona * 10 + generator.poolRank(ofItem: item) % 10 + 1)
                try products.write(byte: 0x2C)
                try products.write(decimal: persona + 1)
                try products.write(byte: 0x0A)
            }
        }
        try itemsOut.close()
        try products?.close()
    }

    mutating func writeUser(_ user: Int, personas: [Int], purchases list: [(item: Int, count: Int)]) throws {
        for (item, count) in list {
            try purchases.write(decimal: user + 1)
            try purchases.write(byte: 0x2C)
            try purchases.write(decimal: item + 1)
            try purchases.write(byte: 0x2C)
            try purchases.write(decimal: count)
            try purchases.write(byte: 0x0A)
        }
        try truth.append(user: SyntheticGenerator.userID(user), personas: personas)
        guard orders != nil || retail != nil else { return }
        let baskets = list.reduce(1) { max($0, $1.count) }
        placements.removeAll(keepingCapacity: true)
        for (item, count) in list {
            placements.append((item, count, extras.nextIndex(below: baskets)))
        }
        if let orders, let orderProducts { try writeOrders(user, baskets: baskets, orders, orderProducts) }
        if let retail { try writeInvoices(user, baskets: baskets, retail) }
    }

    /// Whether a purchase placed from `start` for `count` of `baskets` baskets is in basket `basket`, and
    /// at which repetition (0 = first time).
    @inline(__always)
    private static func repetition(_ basket: Int, start: Int, count: Int, baskets: Int) -> Int? {
        let k = (basket - start + baskets) % baskets
        return k < count ? k : nil
    }

    private mutating func writeOrders(
        _ user: Int, baskets: Int, _ orders: BufferedFileWriter, _ orderProducts: BufferedFileWriter
    ) throws {
        for basket in 0..<baskets {
            orderCounter += 1
            try orders.write(decimal: orderCounter)
            try orders.write(byte: 0x2C)
            try orders.write(decimal: user + 1)
            try orders.write(",prior,")
            try orders.write(decimal: basket + 1)
            try orders.write(byte: 0x2C)
            try orders.write(decimal: extras.nextIndex(below: 7))
            try orders.write(byte: 0x2C)
            try orders.write(decimal: 7 + extras.nextIndex(below: 15))
            try orders.write(byte: 0x2C)
            if basket > 0 { try orders.write(decimal: 1 + extras.nextIndex(below: 30)) }
            try orders.write(byte: 0x0A)
            var position = 0
            for placement in placements {
                guard
                    let k = Self.repetition(
                        basket, start: placement.start, count: placement.count, baskets: baskets)
                else { continue }
                position += 1
                try orderProducts.write(decimal: orderCounter)
                try orderProducts.write(byte: 0x2C)
                try orderProducts.write(decimal: placement.item + 1)
                try orderProducts.write(byte: 0x2C)
                try orderProducts.write(decimal: position)
                try orderProducts.write(byte: 0x2C)
                try orderProducts.write(byte: k > 0 ? 0x31 : 0x30)
                try orderProducts.write(byte: 0x0A)
            }
        }
    }

    private mutating func writeInvoices(_ user: Int, baskets: Int, _ retail: BufferedFileWriter) throws {
        for basket in 0..<baskets {
            invoiceCounter += 1
            let invoice = 536_364 + invoiceCounter
            let day = invoiceCounter / 500
            for placement in placements {
                guard
                    Self.repetition(basket, start: placement.start, count: placement.count, baskets: baskets)
                        != nil
                else { continue }
                try retail.write(decimal: invoice)
                try retail.write(byte: 0x2C)
                try retail.write(decimal: placement.item + 1)
                try retail.write(byte: 0x2C)
                try retail.write(csvField: retailNames[placement.item])
                try retail.write(byte: 0x2C)
                try retail.write(decimal: 1 + extras.nextIndex(below: 12))
                try retail.write(byte: 0x2C)
                try retail.write(decimal: 1 + (day / 28) % 12)
                try retail.write(byte: 0x2F)
                try retail.write(decimal: 1 + day % 28)
                try retail.write("/2011 ")
                try retail.write(decimal: 8 + invoiceCounter % 10)
                try retail.write(":")
                try retail.write(decimal: 10 + invoiceCounter % 50)
                try retail.write(byte: 0x2C)
                let cents = 50 + (placement.item * 37) % 1000
                try retail.write(decimal: cents / 100)
                try retail.write(byte: 0x2E)
                try retail.write(byte: UInt8(0x30 + (cents / 10) % 10))
                try retail.write(byte: UInt8(0x30 + cents % 10))
                try retail.write(byte: 0x2C)
                try retail.write(decimal: user + 1)
                try retail.write(",United Kingdom\n")
            }
        }
    }

    /// Flushes and closes everything; returns the paths written.
    func close() throws -> [String] {
        try purchases.close()
        try truth.close()
        try orders?.close()
        try orderProducts?.close()
        try retail?.close()
        return paths
    }
}
