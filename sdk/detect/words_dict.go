// Word lists written for Ward by its authors (not copied from a
// third-party list). Keep them lower case, ASCII and sorted.

package detect

// The dictionaries behind PERSON and LOCATION, written from general
// knowledge by the Ward authors (not copied from a third-party list nor
// derived from any evaluation file). Each list is one string of entries,
// each ended by a comma: lower case, ASCII (letters with diacritics are
// looked up folded: "José" finds "jose") and sorted, which
// TestDictionariesSorted checks; a place may be several words separated
// by single spaces. A word may be in several lists ("jordan": given name,
// surname and country); nameOrPlace weighs the lists a capitalised word is
// in with the words around it. As strings they cost a guest only their
// bytes; the table that looks them up is built on first use (nameDict), so
// guards that do not scan PERSON or LOCATION never pay for it.

// givenNames are common given names across many languages and cultures.
const givenNames = "" +
	"aaliyah,aapo,aarav,aaron,aarti,aba,abby,abdel,abdiel,abdul,abdulahi,abdulkadir,abdullah," +
	"abdulrahman,abebe,abel,abena,abhay,abhishek,abigail,abiodun,abraham,abu,abubakar,ace,ada," +
	"adaeze,adalyn,adam,adamo,adan,addie,addison,ade,adebayo,adel,adelaida,adelaide,adele," +
	"adelheid,adeline,adeola,aditi,aditya,adjoa,adolfo,adonis,adrian,adriana,adriano,adriel," +
	"adrien,adrienn,adrienne,adwoa,afia,afolabi,afonso,afshin,afua,agata,agathe,agnes," +
	"agnieszka,agostino,agus,agustin,agustina,ah,ahmad,ahmadi,ahmed,ahmet,aidan,aiden,aileen," +
	"aimee,ainhoa,aino,ainsley,aisha,aisling,aitana,ajay,akash,akbar,akiko,akin,akinyi,akira," +
	"akosua,akram,akshay,akua,alaia,alain,alaina,alan,alana,alani,alanna,alaric,alasdair," +
	"alayna,alba,albane,albert,alberta,alberto,albina,alda,aldo,aldric,alec,aleena,alejandra," +
	"alejandro,aleksandar,aleksander,aleksandr,aleksandra,aleksei,alemayehu,alena,ales," +
	"alessandra,alessandro,alessia,alessio,alex,alexa,alexander,alexandra,alexandre,alexandria," +
	"alexandros,alexandru,alexei,alexia,alexis,alfie,alfonsina,alfonso,alfred,alfredo,ali," +
	"alice,alicia,alicja,alina,alireza,alisa,alisha,alison,alivia,aliyah,aliyu,alla,allan," +
	"allegra,allie,allison,alma,almaz,alois,alok,alondra,alonso,alonzo,alphonse,alva,alvaro," +
	"alvin,alvina,alyssa,ama,amado,amadou,amaka,amal,amalia,amanda,amandine,amani,amara,amari," +
	"amaury,amaya,amber,ambika,ambre,ambrose,amedeo,amelia,amelie,amin,amina,aminata,aminu," +
	"amir,amira,amit,amitabh,amos,amparo,amrita,amy,an,ana,anabel,anahi,anais,anand,ananya," +
	"anastasia,anastasios,anastasiya,anatole,anatoli,anatoly,anca,anders,anderson,andi,andile," +
	"andras,andre,andrea,andreas,andreea,andrei,andreina,andres,andrew,andrija,andrzej,andy," +
	"aneta,anette,angel,angela,angelica,angeliki,angelina,angelique,angelo,angie,angus,anh,ani," +
	"anika,aniko,anil,anisa,anita,aniyah,anja,anjali,anke,ankit,ann,anna,annabel,annabelle," +
	"annalisa,annalise,anne,anneli,anneliese,annemarie,annette,annie,annika,anong,anouk,ansel," +
	"ansgar,ante,anthony,antoine,antoinette,anton,antonella,antonia,antonin,antonio,antonis," +
	"anupam,anushka,anwar,anya,aoi,aoife,apinya,apolline,apollo,april,aputsiaq,araceli,aracely," +
	"arash,archer,archie,ardeshir,ari,aria,ariadna,ariana,arianna,ariel,ariella,arif,arina," +
	"arjun,arkady,arlene,arlette,arlo,armand,armando,armani,armelle,armin,arnaud,arnav,arne," +
	"arnold,arnulfo,aron,arsenio,artem,arthur,artur,arturo,arun,aruna,arunee,arvid,arya,aryan," +
	"asa,asahi,asel,asha,ashanti,asher,ashley,ashok,ashton,ashwin,asier,asma,astrid,asuka," +
	"athanasios,athena,atsushi,atticus,attila,aubrey,audra,audrey,august,augustin,augustus," +
	"aurelia,aurelie,aurelien,aurelio,aurora,austin,autumn,ava,avani,avery,avi,avraham,avril," +
	"axel,axelle,ayaka,ayane,ayanna,ayden,ayelet,ayesha,ayla,aylin,ayman,ayodele,ayse,aysel," +
	"ayumi,azadeh,azalea,aziz,aziza,babak,bahar,bahram,bailey,balazs,baltasar,bambang,bao," +
	"baptiste,baraka,barbara,baris,barnaby,barney,barry,bartholomew,bartolome,bartosz,bashir," +
	"basil,basilio,bastien,bayani,beatrice,beatrix,beatriz,beau,beckett,becky,behnaz,bekele," +
	"bela,belen,belinda,bella,ben,benedetta,benedict,benedicte,benedikt,bengt,benicio,benito," +
	"benjamin,bennett,benoit,benson,bentley,berenice,berk,bernadette,bernard,bernardo,bernd," +
	"bernice,bert,bertha,berthold,beryl,bessie,beth,bethany,bettina,bettino,betty,beverly," +
	"bhavesh,bhavna,bianca,bianka,bich,bijan,bilal,bill,billy,binh,birgit,birgitta,bisi,bituin," +
	"bjorn,blaine,blake,blanca,blanche,blandine,blas,bo,bob,bobby,bodhi,bodil,bogdan,bohdan," +
	"bohumil,bojan,bonifacio,bonita,bonnie,boonmee,bora,boris,bowen,bozena,brad,braden," +
	"bradford,bradley,brady,bram,brandon,branimir,branko,braxton,brayden,brecken,brenda," +
	"brendan,brent,brett,brian,briana,brianna,bridget,brielle,brigida,brigitte,brinley,bristol," +
	"britt,brittany,brittney,brock,brody,bronislaw,bronson,bronwen,brooke,brooks,bruce,bruna," +
	"bruno,bryan,bryce,brycen,bryson,budi,bukola,burak,byron,byung,cade,cadence,caetano,cahya," +
	"caiden,caio,caitlin,caleb,calixto,callie,callum,calogero,calvin,cam,camden,cameron,camila," +
	"camilla,camille,camilo,candace,candela,candida,capucine,cara,carina,carl,carla,carlo," +
	"carlos,carlota,carmela,carmelo,carmen,carol,carole,carolina,caroline,carolyn,carrie," +
	"carson,carter,carys,casey,casimir,casimiro,cason,cassandra,cassidy,cassius,catalin," +
	"catalina,catarina,catherine,cathy,catriona,cayden,cayetano,cecelia,cecil,cecile,cecilia," +
	"cecily,cedric,celeste,celestina,celia,celine,celso,cem,cemal,cerys,cesar,cesare,cezar," +
	"chad,chae,chaiwat,chana,chandler,chandra,chang,chanida,chantal,charity,charlee,charlene," +
	"charles,charlie,charlotte,chase,chau,chaya,chelsea,chen,cheng,cheol,cherie,cheryl,chester," +
	"chetan,chi,chiamaka,chiara,chibuike,chidi,chidinma,chieko,chihiro,chijioke,chika,chinedu," +
	"chinonso,chinua,chinwe,chioma,chipo,chloe,chris,christa,christian,christiana,christina," +
	"christine,christoph,christophe,christopher,christos,christy,chukwudi,chukwuemeka,chukwuma," +
	"chul,chun,cian,ciara,ciaran,cillian,cindy,cipriano,claire,clara,clarence,clarice,clarissa," +
	"clarisse,claude,claudia,claudine,claudio,claudiu,clayton,clemence,clement,clemente," +
	"clementine,cleo,clifford,clifton,clint,clyde,cody,colby,cole,colette,colin,colleen,colt," +
	"colton,concepcion,concetta,connie,connor,conor,conrad,consolata,constantin,consuelo," +
	"cooper,cora,coralie,corbin,corey,corina,corinne,cornelia,cornelius,corrado,cosimo,cosme," +
	"cosmin,costanza,courtney,craig,crisanto,cristian,cristiano,cristina,cristobal,cruz," +
	"crystal,csaba,cuong,curtis,cynthia,cyprian,cyril,cyrille,daan,dae,dafydd,dag,dagmar," +
	"daichi,daiki,daisuke,daisy,dakota,dale,dalia,dalisay,dallas,damaris,damian,damien,damon," +
	"dan,dana,dane,danica,daniel,daniela,daniele,danielle,danjuma,danny,dante,danuta,dao," +
	"daphne,daria,dario,darius,dariush,dariusz,darko,darla,darlene,darnell,darren,darryl," +
	"darshan,darya,daryl,datu,dave,davian,david,davide,davit,davor,dawit,dawn,dawson,dayana," +
	"dean,deanna,deborah,debra,declan,dedi,deepa,deepak,deirdre,deja,dejan,delaney,delfina," +
	"delia,delilah,della,delores,delphine,demetrio,demetrius,denis,denise,deniz,dennis,derek," +
	"derrick,desiree,desmond,desta,destiny,detlef,devendra,devika,devin,devon,dewey,dewi," +
	"dexter,dezso,dhruv,dian,diana,diane,dianna,didier,diego,diem,dieter,dietrich,dimitra," +
	"dimitri,dimitrios,dina,dinah,dinesh,dinh,dino,diogo,dirk,divya,diya,dmitri,dmitry,dmytro," +
	"dolores,domenico,dominic,dominick,dominika,dominique,don,donald,donatella,dong,donna," +
	"donovan,donte,dora,doreen,dorian,dorin,doris,dorota,dorothee,dorothy,doru,douglas,dov," +
	"dragan,drake,duane,duarte,duc,dudley,dulce,dumisani,dung,dunja,dusan,dustin,duyen,dwayne," +
	"dwight,dylan,eamon,earl,easton,ebele,eberhard,ebony,ebru,eddie,eden,edgar,edgardo,edison," +
	"edita,edith,edmund,edna,edoardo,edouard,eduarda,eduardo,edward,edwin,eero,efrain,efrat," +
	"efua,egon,egor,eiji,eileen,eilidh,einar,eino,eitan,eka,ekaterina,ekene,ekow,elad,eladio," +
	"elaina,elaine,elbert,eleanor,elena,eleni,eleonore,elfriede,elham,eli,eliana,eliane," +
	"elianna,elias,elif,elijah,elin,elina,eline,elio,elisa,elise,eliska,eliza,elizabeth,elke," +
	"ella,ellen,elliana,ellie,elliot,ellis,elmer,elodie,eloise,elowen,eloy,elpida,elsa,elsie," +
	"elvira,elzbieta,emanuel,emanuele,emeka,emeline,emerie,emerson,emery,emi,emil,emile,emilia," +
	"emiliano,emilie,emilio,emily,emine,emma,emmanuel,emmanuelle,emmett,emory,emre,emyr," +
	"encarnacion,endang,enitan,ennio,enrico,enrique,enzo,eoin,eric,erica,erich,erik,erika,erin," +
	"ermanno,erna,ernest,ernestine,ernesto,ernst,erzsebet,eshe,esi,eskil,esme,esmeralda," +
	"esperanza,esra,esteban,estefania,estelle,esther,estrella,eszter,ethan,ethel,etienne,etta," +
	"ettore,eugene,eugenia,eugenie,eugenio,eun,eunice,eusebio,eva,evan,evangelia,evangelina," +
	"evangeline,evaristo,evelyn,evelyne,everett,everly,evgeny,ewa,ewald,eyal,ezequiel,ezra," +
	"fabian,fabien,fabio,fabiola,fabrice,fabrizio,fadumo,faezeh,faith,fajar,fang,fannie,fanny," +
	"farah,farhad,farhan,farid,farideh,faris,farnaz,farshid,fatih,fatima,fatma,fausto,fawzi," +
	"faye,federica,federico,fedor,fei,fela,felicia,felicien,felicity,felipe,felix,femi,femke," +
	"feng,fenna,ferdinand,ferenc,fereshteh,fergus,fern,fernand,fernanda,fernando,fidel,fiifi," +
	"fikre,filip,filipa,filippo,finley,finn,finnegan,fiona,fiorella,fitri,flavia,flavie,flavio," +
	"floor,flora,florence,florencia,florencio,florian,florin,floyd,flynn,folake,folasade," +
	"forrest,fortunato,franca,frances,francesca,francesco,francine,francis,francisca,francisco," +
	"francois,francoise,frank,frankie,franklin,frantisek,franz,fraser,fred,freda,freddie," +
	"frederic,frederick,fredrik,frida,frieda,friedhelm,friedrich,fu,fumiko,fumio,funke," +
	"funmilayo,gabor,gabriel,gabriela,gabriele,gabrielle,gael,gaelle,gaetano,gail,gal,galilea," +
	"galina,gang,gannon,gareth,garrett,gary,gaspar,gaspard,gaston,gaurav,gautam,gavin,gayle," +
	"geert,geeta,gemma,gen,genaro,gene,genesis,genevieve,gennady,gennaro,geoffrey,georg,george," +
	"georges,georgia,georgina,georgios,gerald,geraldine,gerard,gerardo,gerd,gerda,gerhard," +
	"gerrit,gertrude,gethin,ghazal,gheorghe,ghislaine,giacomo,giang,gianluca,gianna,gianni," +
	"giao,gideon,gilad,gilbert,gilberto,gilda,gilles,gina,ginger,gino,giorgia,giorgio,giorgos," +
	"giovana,giovanna,giovanni,girish,girma,gisela,gisele,giselle,gita,giulia,giuliana,giulio," +
	"giuseppe,gizem,gladys,glen,glenda,glenn,gloria,glyn,golnaz,goncalo,gonzalo,gopal,goran," +
	"gordon,goro,gottfried,govind,grace,graciela,graham,grant,graysen,grayson,graziano," +
	"graziella,grazyna,greg,gregoire,gregorio,gregory,greta,gretchen,greyson,griffin,grigory," +
	"grzegorz,guadalupe,guang,gudrun,gui,guido,guillaume,guillermo,gul,gunnar,gunner,gunter," +
	"gunther,guo,guohua,guoqiang,gustav,gustavo,guy,gwen,gwendoline,gwendolyn,gyorgy,gyu,gyula," +
	"ha,habib,hadas,hadi,hadiza,hadley,hae,hai,haile,hailey,hailong,haitao,haiyan,hakan,hal," +
	"hala,haley,halima,halina,hallie,hamed,hamid,hamish,hamza,han,hana,hanako,hang,hanh,hani," +
	"hanna,hannah,hanne,hannelore,hannu,hans,hao,haoran,harald,hari,harish,harley,harlow," +
	"harmony,harold,harper,harriet,harrison,harry,harsh,hartmut,haruka,haruki,haruto,harvey," +
	"hasan,hassan,hatem,hattie,hau,hauwa,hayato,hayden,hayes,hazel,heath,heather,heaven,hector," +
	"hedwig,heena,heidi,heike,heikki,heinrich,heinz,heitor,helen,helena,helene,helga,helmer," +
	"helmut,helmuth,hema,hendra,hendrik,heng,henk,henley,henning,henri,henrietta,henrik,henry," +
	"herbert,herman,hermann,hernan,heru,herve,hiba,hideki,hideo,hien,hieu,hikaru,hilario," +
	"hilary,hilda,hilde,hildegard,hina,hiroko,hiromi,hiroshi,hiroto,hiroyuki,hisashi,hitomi,ho," +
	"hoa,hoai,hoang,hoda,holden,holger,holly,homer,hong,hope,horace,horacio,horia,horst," +
	"hortense,hossein,howard,hua,hubert,hudson,hue,hugh,hugo,hui,huiling,huimin,hung,hunter," +
	"huong,huseyin,hussein,huxley,huy,hye,hyun,iain,ian,ibrahim,ichiro,ida,idris,ieuan,ifeanyi," +
	"ifeoma,ignacio,ignacy,ignatius,ignazio,igor,ijeoma,ikechukwu,ikenna,iker,ilaria,ildiko," +
	"ileana,ilker,ilse,ilya,imad,iman,imani,imelda,imogen,imran,imre,inaya,indah,indira,indra," +
	"ines,ingeborg,ingo,ingrid,inmaculada,inna,intan,ioan,ioana,ioannis,ion,irem,irena,irene," +
	"irfan,irina,iris,irmgard,irvin,isaac,isabel,isabella,isabelle,isaiah,isaias,isamu,isha," +
	"ishaan,isidro,isla,ismael,issa,istvan,itai,italo,itamar,itzel,iulia,iulian,ivan,ivana," +
	"ivanka,ivanna,ivar,ivica,ivy,iwona,izaiah,jaap,jabari,jace,jacek,jacinto,jack,jackie," +
	"jackson,jaclyn,jacob,jacoby,jacqueline,jacques,jada,jaden,jadiel,jadwiga,jae,jagger,jaime," +
	"jake,jakub,jalen,jamal,jamari,james,jameson,jamie,jamila,jan,jane,janelle,janet,janice," +
	"janie,janina,janiyah,janos,jared,jaroslav,jaroslaw,jarrod,jasmine,jasna,jason,jasper," +
	"jatin,javad,javier,jaxon,jaxson,jay,jaya,jayant,jayce,jayden,jaylen,jazmin,jean,jeanette," +
	"jeanne,jeannie,jeff,jefferson,jeffrey,jelani,jelena,jemima,jenifer,jenna,jennifer,jenny," +
	"jens,jenson,jerald,jeremiah,jeremy,jerimiah,jeroen,jerome,jeronimo,jerry,jerzy,jesper," +
	"jesse,jessenia,jessica,jesus,jett,jewel,ji,jia,jiahao,jian,jiang,jianguo,jianhua,jianjun," +
	"jianming,jianping,jiao,jiayi,jibril,jie,jiho,jill,jim,jimena,jimmy,jin,jing,jiri,jiro," +
	"jitka,jo,joachim,joan,joanna,joanne,joao,joaquim,joaquin,jocelyn,jochen,jodi,jody,joe," +
	"joel,joey,johan,johanna,johannes,john,johnnie,johnny,joko,jolanta,jolene,jolie,jon,jonah," +
	"jonas,jonathan,jong,joo,joon,joost,jordan,jorg,jorge,jose,josef,josefa,josefina,joseph," +
	"josephine,josette,josh,joshua,josiah,josip,josue,journey,jovan,jovana,joy,joyce,jozef," +
	"jozsef,juan,juana,juanita,judah,jude,judit,judith,judson,judy,juha,jukka,jules,julia," +
	"julian,juliana,julianne,julie,julien,juliette,julio,julius,jun,junaid,june,junichi,junior," +
	"junjie,junko,jurgen,justin,justyna,jyoti,kabir,kabiru,kaden,kaede,kagiso,kai,kaia,kaiden," +
	"kailash,kairo,kaitlyn,kaito,kaj,kaleb,kali,kalle,kamal,kamala,kamaria,kamau,kamil,kamila," +
	"kamran,kane,kang,kanya,kaori,kara,karan,karel,karen,kari,karim,karin,karl,karla,karolina," +
	"karsten,karter,kartik,kartika,kasey,kash,kashif,kasia,kassandra,katalin,katarzyna,kate," +
	"katelyn,katerina,kateryna,katharine,katherine,kathleen,kathryn,kathy,katie,katrin,katrina," +
	"kaveh,kavita,kavya,kay,kayden,kayin,kayla,kaylani,kaylee,kayode,kazimierz,kazuki,kazuko," +
	"kazumi,kazuo,kebede,keegan,kehlani,kei,keiko,keira,keisha,keisuke,keith,kellan,kelly," +
	"kelsey,kemal,kemi,ken,kendall,kendra,kenichi,kenji,kennedy,kenneth,kenny,kent,kenta," +
	"kenzie,kerry,kerstin,keshav,kevin,khadija,khalid,khalil,khanh,kian,kiana,kiara,kieu," +
	"killian,kim,kimberly,kingston,kinsley,kira,kiran,kirill,kirk,kirsten,kittisak,kiyoshi," +
	"kjell,klara,klaus,knox,knut,kobe,koen,kofi,koichi,koji,kojo,konrad,konstantin," +
	"konstantinos,kora,kostas,kourosh,krishna,kristen,kristian,kristin,kristina,kristy," +
	"krisztina,krystyna,krzysztof,ksenia,kukua,kumar,kumiko,kun,kunal,kunigunde,kurniawan,kurt," +
	"kwabena,kwadwo,kwaku,kwame,kwasi,kyla,kyle,kylie,kyoko,kyrie,kyung,lacey,lachlan,ladislav," +
	"laetitia,laia,laila,lajos,lakan,lakshay,lakshmi,lalita,lam,lamar,lamberto,lan,lana,lance," +
	"landon,lane,larisa,larissa,larry,lars,laszlo,latoya,laura,laure,laurel,lauren,laurence," +
	"laurent,laurentiu,laverne,lawal,lawanda,lawrence,layla,layton,le,leah,leandro,lee,leena," +
	"lei,leif,leighton,leila,leilani,lela,leland,lena,leni,lenka,lennon,lenora,leo,leon,leona," +
	"leonard,leonardo,leonel,leonid,leonie,leonor,leopold,leopoldo,lerato,leroy,leslie,lestari," +
	"lester,leszek,leticia,letizia,lev,levi,lewis,lexi,leyla,li,liam,lian,liana,liang,liat," +
	"libor,lidia,lien,liesel,lieselotte,ligaya,lihua,liisa,lijun,lila,lilah,lilian,liliana," +
	"lilja,lillian,lily,limin,limor,lin,lina,lincoln,linda,lindiwe,lindsay,lindsey,ling,linh," +
	"linnea,lionel,lior,liping,lisa,livia,liviu,lixin,liying,lizbeth,llewellyn,lloyd,loan,loc," +
	"logan,lois,lola,long,lonnie,loredana,lorena,lorenzo,loretta,lori,lorraine,lothar,lotte," +
	"lottie,louis,louise,lourdes,lu,luan,luana,lubos,luc,luca,lucas,lucia,lucian,luciana," +
	"luciano,lucie,lucien,lucille,lucio,lucrezia,lucy,ludmila,ludovic,luella,luigi,luis,luisa," +
	"luiz,luka,lukas,lukasz,luke,lula,lulu,luna,lupita,luther,lutz,luzviminda,lydia,lyla,lyle," +
	"lynda,lynette,lynn,lyric,lyudmila,maarten,mabel,macarena,maciej,mack,mackenzie,macy," +
	"madalina,madeleine,madeline,madelyn,madhav,madhu,madison,mae,magdalena,maggie,magnus," +
	"mahesh,mahima,mahmoud,mahnaz,mahsa,mai,maiara,mairi,majid,makayla,makena,makoto,maksim," +
	"malachi,malaika,malcolm,malee,malgorzata,malia,malik,mami,mamie,mamoru,man,mandla,mandy," +
	"manfred,mani,manish,manisha,manlio,manoj,manon,manuel,manuela,mara,marc,marcel,marcela," +
	"marcella,marcelle,marcello,marcelo,marcia,marcie,marcin,marco,marcos,marcus,marek," +
	"margaret,margarete,margarita,margaux,margherita,margie,margot,marguerite,maria,mariah," +
	"mariam,mariama,marian,mariana,marianne,maricel,marie,marija,marijke,mariko,marilou," +
	"marilyn,marina,marine,mario,marion,marisa,marisol,marites,marius,mariusz,marjan,marjorie," +
	"mark,marketa,marko,markus,marla,marlene,marley,marlon,marsha,marta,martha,martin,martina," +
	"martine,marty,marvin,marwan,mary,maryam,maryse,marzena,masaki,masako,masao,masaru,masashi," +
	"masato,mason,massimo,mateo,mateus,matheus,mathieu,mathilde,matias,mats,matt,matteo," +
	"matthew,matthias,matti,mattias,maude,maureen,maurice,maurizio,mavis,max,maxim,maxime," +
	"maximilian,maximiliano,maxine,maxwell,maya,mayank,mayumi,mckenna,meena,meenakshi,meera," +
	"mees,mega,megan,megumi,mehdi,mehmet,mehran,mei,meihua,meike,meiling,meir,mekhi,mekonnen," +
	"melanie,melany,melike,melinda,melissa,melody,melvin,meng,mercedes,mercy,meredith,merle," +
	"mervyn,meseret,messiah,mi,mia,micaela,micah,michael,michal,michalis,michel,michela," +
	"michele,michelle,michiko,mickey,miguel,mihaela,mihai,mihaly,mika,mikael,mike,mikhail,miki," +
	"mikko,miklos,milagros,milan,mildred,milena,miles,milica,millie,milo,milos,miloslav,milton," +
	"min,mina,minami,mindy,ming,minghua,mingming,minh,minnie,minoru,mio,mira,miranda,mircea," +
	"mireille,mirella,miriam,miroslav,miroslava,miroslaw,misaki,misty,mitali,mitchell,mitra," +
	"mitsuko,miwa,miyu,moana,modesto,mohamed,mohammad,mohammadreza,mohammed,mohan,mohsen," +
	"moises,mojtaba,molly,momoko,mona,monica,monika,monique,monroe,monserrat,morag,morgan," +
	"morten,morteza,moses,moshe,mosi,mostafa,mounir,moussa,mthunzi,mu,muhammad,muhammadu," +
	"mukesh,munir,murat,muriel,murilo,musa,mustafa,mustapha,my,mykola,mylene,myles,myra,myrtle," +
	"na,naama,nabil,nadav,nadeem,nadege,nadezhda,nadia,nadine,naguib,najib,nala,naledi,nam," +
	"nana,nanami,nancy,nandini,nandor,naoki,naomi,naresh,nash,nasim,nasiru,nasrin,nasser," +
	"natalia,natalie,natalya,natasha,nathalie,nathan,nathaniel,natsuki,nattapong,naveed,naveen," +
	"navid,nayeli,ndidi,nebojsa,neda,neha,nehemiah,neil,nele,nellie,nelson,nenad,nettie,neymar," +
	"nga,ngan,nghia,ngoc,ngozi,nguyet,nhan,nhi,nhu,nhung,nia,niamh,nicanor,nicholas,nick,nico," +
	"nicola,nicolas,nicole,nicoleta,nicoletta,niels,nikhil,nikita,niklas,nikola,nikolai," +
	"nikolaos,niloufar,nils,nilufar,nima,nina,ning,nino,niran,nisha,nitin,nkechi,nkem,nnamdi," +
	"noa,noah,noam,noboru,noel,noelia,noelle,noemi,noemie,nolan,nomsa,nomvula,nora,norbert," +
	"noriko,norio,norma,norman,nour,noura,nova,nur,nurul,oanh,obi,obinna,oceane,octavia," +
	"octavian,octavio,odette,odile,ofer,oisin,ojas,oksana,olaf,olamide,ole,oleg,oleksandr," +
	"oleksandra,olena,olga,olive,oliver,olivia,olivier,ollie,olof,olu,oluwadamilare,oluwaseun," +
	"oluwatobi,omar,omari,omer,omid,ondrej,onur,opal,ope,ophelia,oren,orion,orlando,orly," +
	"ornella,orsolya,orville,osama,osamu,oscar,oskar,osvaldo,otavio,otis,ottavio,ottmar,otto," +
	"ousmane,ovidiu,owen,ozan,ozge,pablo,paco,padraig,paige,paisley,pallavi,paloma,pam,pamela," +
	"panagiotis,paola,paolo,parisa,parker,parth,parvin,pascal,pascual,pasquale,patrice," +
	"patricia,patricio,patrick,patrizia,paul,paula,paulette,paulina,pauline,paulo,pavel,pavla," +
	"pawel,paxton,payal,payam,pearl,pedro,pegah,peggy,pei,pekka,penelope,peng,per,percy,perla," +
	"perry,peter,petr,petra,petro,peyton,phat,philip,philippa,philippe,phillip,phoebe,phong," +
	"phuc,phuong,phyllis,pia,pierce,piero,pierre,pieter,pietro,pilar,pimchanok,ping,piotr," +
	"piper,pirjo,placido,polina,polly,pooja,porfirio,pouya,prachi,pradeep,prakash,pranav," +
	"prasad,prasert,prateek,predrag,preeti,preston,priscila,priscilla,priya,priyanka," +
	"przemyslaw,puja,putra,putri,qi,qian,qiang,qin,qing,qiong,quan,quang,quentin,quincy,quinn," +
	"quoc,quynh,rachael,rachel,radek,radha,radoslaw,radu,raegan,rafael,rafaela,rafal,raffaele," +
	"raghav,ragnar,rahmat,rahul,raiden,raimondo,rainer,raj,rajat,rajesh,rajiv,rakesh,ralf," +
	"ralph,raluca,ramesh,rami,ramin,ramiro,ramon,ramona,ramya,rana,randall,randy,rania,ranjit," +
	"raphael,raquel,rashid,rasmus,ratna,raul,ravi,ray,rayan,raylan,raymond,razvan,reagan,reba," +
	"rebecca,reem,reese,reggie,regina,reginald,regine,rei,reiko,reinaldo,reinhard,reinhold," +
	"reka,rekha,remedios,remi,remington,remy,ren,renata,renate,renato,renaud,rene,renee,reuben," +
	"rex,reyna,reza,rhea,rhett,rhian,rhoda,rhonda,rhys,ricardo,riccardo,richard,rick,ricky,rie," +
	"rigoberto,riitta,riku,riley,rin,rina,rita,ritu,rivka,riya,rizky,rizwan,rob,robert,roberta," +
	"roberto,robin,rocco,rochelle,rocio,rocky,roderick,rodney,rodrigo,rogelio,roger,rohan," +
	"rohit,roisin,roland,rolando,rolf,romain,roman,romano,romeo,rommel,ronald,ronda,rong,roni," +
	"ronit,ronnie,rory,rosa,rosalba,rosalia,rosalie,rosalind,rosanna,rosario,rose,rosemarie," +
	"rosemary,rosie,ross,rou,rowan,rowen,roxana,roxanne,roy,roya,royce,ruben,ruby,rudolf," +
	"rudolph,rudy,rufino,rufus,rui,ruoxi,rupali,rupert,ruslan,russell,rustam,ruth,ruud,ryan," +
	"ryder,ryker,ryo,ryota,ryszard,ryu,saad,sabine,sabino,sabrina,sachin,sade,sadie,saeed,sage," +
	"sahar,sahil,said,saima,saki,sakura,salah,salim,sallie,sally,salma,salome,saloni,salvador," +
	"salvatore,sam,saman,samantha,sameer,sami,samir,samuel,sana,sandeep,sander,sandor,sandra," +
	"sandrine,sandro,sang,sani,sanjana,sanjay,sanjeev,sanne,santiago,santino,santo,santos," +
	"saoirse,sapna,sara,sarah,sari,sarita,sarka,sarthak,sasa,sasha,satomi,satoshi,saturnino," +
	"saul,savannah,sawyer,sayaka,scarlett,scott,seamus,sean,sebastian,sebastiao,sebastien," +
	"selah,selam,selena,selim,selin,selma,sem,seo,seok,seon,sepideh,seppo,serena,serenity," +
	"serge,sergei,sergey,sergio,serkan,seth,setiawan,seung,severino,seymour,shadi,shahid," +
	"shahram,shai,shan,shana,shane,shanice,shannon,shanti,shari,sharif,sharmila,sharon,shaun," +
	"shawn,shawna,shazia,shehu,sheila,shelby,sheldon,shelia,shelley,sheng,sheri,sherman,sherri," +
	"sherry,shi,shigeru,shikha,shilpa,shin,shinji,shiori,shira,shirin,shirley,shiva,shivani," +
	"shlomo,shota,shreya,shu,shuang,shubham,shufen,shun,shweta,si,sian,siavash,sibusiso," +
	"siddharth,sidney,siegfried,sieglinde,siena,sierra,sigrid,silas,silke,silvia,silvio,simon," +
	"simona,simone,simran,sinan,sinead,siobhan,sipho,sirikit,sita,siti,siv,siyu,sizwe,skylar," +
	"slamet,slawomir,sneha,snezana,sofia,soheila,solange,soledad,solveig,somchai,sompong," +
	"somporn,somsak,son,sonal,song,sonia,sonja,sonya,soo,soon,sophia,sophie,sora,soren,sorin," +
	"soroush,sota,spencer,spyros,srdjan,sri,stacey,stacy,stanford,stanislav,stanislaw,stanley," +
	"stavros,stefan,stefania,stefano,steffen,stella,stephane,stephanie,stephen,sterling,steve," +
	"steven,stewart,stig,stijn,stjepan,stuart,subhash,suchart,suda,sue,sugeng,suharto,sukarno," +
	"sullivan,sune,sunee,sung,sunil,sunita,supaporn,surachai,suresh,susan,susana,susanne," +
	"susanti,sushil,susumu,suzanne,svea,sven,svetlana,swati,swen,sydney,sylvain,sylvia,sylvie," +
	"sylwia,szilvia,szymon,tabitha,tadashi,tadesse,tadeusz,tahir,tai,takahiro,takashi,takeshi," +
	"takumi,tal,talia,tam,tamar,tamara,tamas,tamika,tammy,tania,tanvi,tanya,tao,tara,taraneh," +
	"taras,tarek,tareq,tarik,tariq,taro,tarun,tasha,tatiana,tatsuya,tatum,tatyana,tau,taufik," +
	"taylor,teagan,ted,teguh,tendai,teodor,teodora,teodoro,terence,teresa,tereza,terrence," +
	"terri,terry,teruo,tesfaye,tessa,tetsuya,thabo,thaddeus,thalia,thandiwe,thang,thanh,thanom," +
	"thao,thawatchai,thea,thelma,themba,theo,theodor,theodora,theodore,theodoros,theresa,thi," +
	"thiago,thibault,thien,thierry,thijs,thilo,thinh,thomas,thor,thorsten,thu,thuan,thuy,tian," +
	"tiana,tibor,tien,tiffany,till,tim,timo,timothy,timur,tin,tina,ting,tingting,titus,tiziana," +
	"toan,tobias,toby,todd,tom,tomas,tomasz,tomislav,tommaso,tommy,tomoko,tomoya,toni,tony," +
	"tonya,torsten,toshiko,toshio,tove,tracey,tracy,trang,travis,trent,trevor,tri,trinh," +
	"trinidad,trisha,tristan,troy,truc,trudy,trung,tsegaye,tsubasa,tu,tuan,tudor,tullio,tumelo," +
	"tuncay,tunde,tung,tuomas,tushar,tuula,tuyet,tyler,tyrone,tzvi,uchenna,uday,ugo,ujjwal,ulf," +
	"ulises,ulla,ulrich,ulrike,uma,umar,umberto,uriel,ursula,urszula,usha,usman,uta,ute,uwe," +
	"uyen,uzoma,vaclav,vadim,vahid,vaibhav,valentin,valentina,valentino,valeria,valerie," +
	"valerio,valery,van,vance,vandana,vanessa,varun,vasile,vasileios,vasilis,vasily,vasyl," +
	"vaughn,vedant,veikko,velma,vera,vernon,veronica,vesna,vicente,vicki,vicky,victoire,victor," +
	"victoria,vidal,vidar,viet,viggo,vijay,vikas,vikram,viktor,vinay,vincent,vincenzo,vinh," +
	"vinicius,vinod,viola,violet,viorel,virgil,virginia,virginie,vishal,vit,vitaly,vitor," +
	"vittoria,vittorio,vivian,vivienne,vladimir,vladislav,vojtech,volker,volodymyr,vy,wade," +
	"wael,wahyu,waleed,walid,wallace,walter,waltraud,wambui,wan,wanda,wanida,wanjiku,wanjiru," +
	"ward,warren,wati,waylon,wayne,wei,weidong,weiguo,weihua,weimin,wen,wendell,wendy,wenjie," +
	"wenjun,werner,wesley,weston,whitney,wichai,widodo,wieslaw,wiktoria,wilbur,wilfred," +
	"wilfried,wilhelm,will,willard,willem,william,willie,willis,willow,wilma,winfried,winifred," +
	"winston,witold,wojciech,wolfgang,won,woo,wouter,wren,wulan,wyatt,xander,xavier,xia," +
	"xiadani,xiang,xiao,xiaohong,xiaojun,xiaoli,xiaoling,xiaolong,xiaomei,xiaoming,xiaowei," +
	"xiaoyan,xiaoyu,ximena,xin,xinyi,xiu,xiulan,xiuying,xu,xuan,xue,ya,yaa,yael,yahir,yair," +
	"yakubu,yamini,yan,yang,yanling,yann,yannick,yannis,yanping,yanti,yaretzi,yaroslav,yasaman," +
	"yasemin,yash,yasmin,yasmine,yasser,yasuko,yasushi,yaw,yehuda,yejide,yelena,yen,yeon,yeong," +
	"yi,yichen,ying,yitzhak,yoav,yohannes,yoko,yolanda,yonatan,yong,yosef,yoshiaki,yoshiko," +
	"yoshio,yoshiro,yossi,young,youssef,yu,yuan,yudi,yue,yuhan,yui,yuichi,yuka,yuki,yukiko," +
	"yuko,yulia,yumi,yuming,yun,yuna,yuqing,yuri,yurii,yusuf,yusuke,yuta,yuting,yuto,yutong," +
	"yuxuan,yves,yvette,yvonne,zachary,zahra,zaid,zainab,zan,zane,zanele,zara,zayden,zbigniew," +
	"zdenek,ze,zeinab,zelda,zeljko,zewdu,zeynep,zhao,zhen,zheng,zhenyu,zhi,zhihao,zhiming," +
	"zhiqiang,zhiwei,zhong,zhu,zi,ziad,zihan,zion,ziva,zixuan,zodwa,zoe,zoey,zofia,zoila," +
	"zoltan,zoran,zoya,zsofia,zsuzsanna,zubair,zuri,zuwaira,zuzana,"

// surnames are common family names across many languages and cultures
// (particles such as "van" or "de" are not names on their own).
const surnames = "" +
	"aasen,abbasi,abbott,abdi,abdullah,abe,abernathy,abramov,abramovich,abreu,abubakar,acar," +
	"acevedo,acheampong,achebe,achieng,ackerman,acosta,adachi,adair,adamczyk,adams,adamski," +
	"adebayo,adeleke,adewale,adeyemi,adeyemo,adhikari,adichie,adkins,afanasiev,afanasyev," +
	"afolabi,agafonov,agarwal,agbaje,ageev,aggarwal,aguilar,aguirre,agyeman,ahmadi,ahmadzai," +
	"ahmed,ahn,ahrens,ahuja,ajayi,akande,akhtar,akimov,akinola,akiyama,aksenov,aksoy,aktas," +
	"alami,albers,albert,albrecht,albright,aldridge,alekseev,alexander,alexandrov,alexiou," +
	"alfaro,alford,ali,allen,allison,allred,almeida,alonso,alston,aluko,alvarado,alvarez,amadi," +
	"amaral,amato,ambrose,amiri,amos,amsalem,andersen,anderson,andersson,ando,andrada,andrade," +
	"andre,andreev,andrei,andrews,andrianov,andrzejewski,angelis,angelov,anghel,anisimov," +
	"ansari,antal,anthony,antipov,antoniou,antonov,antunes,anyanwu,aoki,aoyama,appiah,aquino," +
	"arai,araujo,arce,archer,arellano,arias,arkhipov,armstrong,arnaud,arndt,arnold,arora," +
	"arroyo,arslan,artamonov,asamoah,asano,asante,ashby,ashley,ashworth,aslan,assis,ates," +
	"atkins,atkinson,atwood,au,aubert,aubrey,ault,austin,avalos,avci,avdeev,avery,avila," +
	"avraham,ayala,aydin,ayers,ayodele,azevedo,aziz,azizi,azoulay,ba,baba,babatunde,babic,bach," +
	"bader,badu,bae,baek,bagley,bai,baig,bailey,bain,baird,bajaj,bajwa,bak,baker,bakken,bakker," +
	"bakr,balashov,balazs,baldwin,bales,ball,ballard,balog,balogh,balogun,bancroft,banda," +
	"banerjee,bang,banks,bansal,barajas,barakzai,baran,baranov,baranowski,barber,barbier," +
	"barbieri,barbosa,barbu,barker,barlow,barnes,barnett,barney,barnhart,baron,barone,barr," +
	"barrera,barrett,barrios,barron,barrow,barry,barth,bartholomew,bartlett,barton,basile,bass," +
	"bassi,bastos,bates,batista,battaglia,bauer,bauman,baumann,baumgartner,bautista,baxter," +
	"bayer,bazhenov,beale,beard,beasley,beaty,beauchamp,beaumont,becerra,beck,becker,beckett," +
	"beckman,beebe,beek,bekele,belcher,bell,bellini,bello,belousov,belov,beltran,belyaev," +
	"belyakov,bender,benedetti,benes,bengtsson,benitez,benjamin,benner,bennett,benoit,benson," +
	"bentley,benton,berezin,berg,berge,berger,bergeron,berglund,bergmann,bergstrom,berman," +
	"bernal,bernard,bernardi,bernstein,berry,bertin,bertolini,bertrand,besson,bevan,beyer," +
	"bhandari,bhatia,bhatt,bhattacharya,bianchi,bianco,bickford,bingham,bird,biro,biryukov," +
	"bishop,biton,bixby,bjerke,bjork,black,blackburn,blackmon,blackstone,blackwell,blaine," +
	"blair,blake,blanc,blanchard,blanco,blankenship,blazek,bledsoe,blevins,blinov,blom," +
	"blomqvist,blount,boakye,boateng,bobrov,bocharov,bock,boer,bogdan,bogdanov,boggs,bognar," +
	"bogomolov,bohm,boland,bolden,bolen,bolin,bolshakov,bolton,bond,bondar,bondarenko,bonetti," +
	"bonilla,bonner,bonnet,bonnin,booker,boone,booth,borden,borges,borghi,borisov,borkowski," +
	"borodin,boros,bos,bose,bosman,bostic,boswell,botha,boucher,bourgeois,bourne,bouvier," +
	"bowden,bowen,bowers,bowles,bowman,boyce,boyd,boyer,boyko,boyle,bozkurt,bracken,bradford," +
	"bradley,bradshaw,brady,braga,brambilla,branch,branco,brandl,brandon,brandt,branham," +
	"brantley,bratton,braun,bravo,bray,breaux,brennan,brenner,brewer,brewster,brice,bridges," +
	"briggs,brinkley,briscoe,brito,britt,britton,brock,broek,bronson,brooker,brooks,broussard," +
	"brouwer,brown,browning,bruce,bruijn,bruin,brumfield,brun,brunet,brunetti,bruno,bryan," +
	"bryant,bryson,brzezinski,buchanan,buck,buckley,buckner,bui,bullard,bullock,bulut,burch," +
	"burgess,burgos,burke,burkett,burkhart,burnett,burnham,burns,burris,burrows,burton,busch," +
	"bush,butler,butt,byers,bykov,byrd,byrne,byun,caballero,cabrera,cagle,cahill,cai,cain," +
	"cakir,caldeira,calderon,caldwell,calhoun,callahan,calloway,calvert,calvo,camacho,camara," +
	"cameron,campana,campbell,campos,can,cannon,cano,cantrell,cantu,cao,cappelli,caputo," +
	"carbone,cardenas,cardinale,cardona,cardoso,carey,carli,carlisle,carlson,carmichael," +
	"carneiro,carney,caron,carpenter,carpentier,carr,carrasco,carrillo,carroll,carson,carter," +
	"cartwright,caruso,carvalho,carver,case,casey,cash,castaneda,castelli,castillo,castro," +
	"cates,cattaneo,cavaco,cavalcanti,cavallo,cavanaugh,celik,cermak,cerny,cervantes,cetin,cha," +
	"chadwick,chae,chaiyaporn,chakraborty,chambers,chan,chandler,chaney,chang,chao,chapman," +
	"chappell,charles,charpentier,chase,chatterjee,chaturvedi,chau,chaudhary,chaudhry,chauhan," +
	"chavez,chen,cheng,cheon,cherkasov,chernov,chernyshev,cherry,cheung,chevalier,chevallier," +
	"chiba,childers,childress,chirwa,chistyakov,chiu,chmielewski,cho,choi,chong,choo,chopra," +
	"chow,chowdhury,christensen,christian,christiansen,christie,christodoulou,chu,chua,chukwu," +
	"chun,chung,church,churchill,cieslak,ciobanu,cirillo,cisneros,claes,clancy,clapp,clark," +
	"clarke,clay,clayton,clement,clements,clemons,clifford,cline,cobb,cochran,cochrane,coelho," +
	"coffey,coffman,cohen,colby,cole,coleman,coles,colin,collet,collier,collins,colombo,colon," +
	"colonna,colvin,combs,compton,conklin,conley,connell,conner,connolly,conrad,constantin," +
	"constantinescu,conte,conti,contreras,conway,cook,cooke,cooley,cooper,copeland,coppola," +
	"corbett,corbin,cordier,cordova,cornelius,cornell,correa,correia,corsi,cortes,cortez,costa," +
	"costantini,costello,coulter,courtney,courtois,coutinho,covington,cowan,cox,crabtree,craft," +
	"craig,cramer,crandall,crane,crawford,crawley,creech,crenshaw,cristea,cristiani,crockett," +
	"cromwell,crosby,cross,crouch,crowder,crowley,crum,cruz,csizmadia,cuellar,cuevas,cui," +
	"culver,cummings,cunha,cunliffe,cunningham,currie,curry,curtis,cushing,czarnecki," +
	"czerwinski,dabrowski,dahan,dahl,dahlberg,dai,dailey,daka,dale,dalessandro,dalton,dam," +
	"damico,dang,dangelo,daniel,daniels,danielsson,danilov,danjuma,danso,darby,darko,darwish," +
	"daugherty,davenport,david,davidson,davies,davila,davis,davydov,dawson,day,dean,decker," +
	"dejesus,dekker,dela,delacruz,delaney,delarosa,deleon,delgado,delmas,dementiev,demidov," +
	"demin,demir,dempsey,deng,denis,denisov,dennis,denton,desai,deschamps,deshpande,devaux," +
	"devine,dewitt,dhillon,diaconu,diallo,dias,diaz,dickerson,dickinson,dickson,dietrich,dietz," +
	"dijk,dijkstra,dike,dillard,dillon,dimitriou,dimitrov,ding,dinh,dinu,diop,dixon,djordjevic," +
	"dlamini,dmitriev,do,dobre,dodd,dodson,dogan,doherty,doi,dolezal,dominguez,donahue," +
	"donaldson,donati,donato,dong,donnelly,donovan,dooley,dorn,dorofeev,dorsey,doss,dotson," +
	"dougherty,douglas,dowling,downs,doyle,drake,driscoll,drozdov,drummond,duan,duarte,dube," +
	"dubey,dubois,duckworth,duda,dudek,dudley,duffy,dufour,dugan,dumas,dumitru,dumont,dunbar," +
	"duncan,dunlap,dunn,duong,dupont,dupuis,duran,durand,durant,durham,durrani,dutta,dutton," +
	"duval,dvorak,dwyer,dyakonov,dyer,earley,easley,eastman,eaton,eberhard,ebert,ebrahimi," +
	"eckert,edmonds,edwards,efimov,efremov,egorov,eide,eklund,ekstrom,ekwueme,eldridge,eliseev," +
	"elkins,ellington,elliott,ellis,ellison,emelyanov,emenike,emerson,endo,ene,engel,engle," +
	"english,engstrom,enriquez,eom,epstein,erdogan,eremin,erickson,eriksen,eriksson,ermakov," +
	"ermolaev,ernst,ershov,ervin,escalante,escamilla,escobar,escobedo,esfahani,esparza," +
	"espinosa,espinoza,esposito,esquivel,estes,esteves,estrada,estrella,etienne,eubanks,evans," +
	"evdokimov,everett,evers,ewing,eze,ezeh,fabbri,fabre,fadeev,fairchild,fajardo,falcone,falk," +
	"fall,fan,fang,faria,farina,farkas,farley,farmer,farooq,farouk,farr,farrell,farris," +
	"faulkner,faure,fazekas,fedorov,fedoseev,fedotov,feher,fekete,feldman,felix,feng,fenton," +
	"fenwick,ferguson,fernandes,fernandez,ferrara,ferrari,ferraro,ferreira,ferrell,ferrero," +
	"ferretti,ferri,fiala,fields,figueroa,filatov,filimonov,filippov,finch,fink,finley,fiore," +
	"fiorentino,firsov,fischer,fisher,fishman,fitch,fitzgerald,fitzpatrick,fjeld,flanagan," +
	"fleming,fletcher,fleury,florea,flores,flowers,floyd,flynn,fodor,fok,fokin,foley,fomin," +
	"fonseca,fontaine,fontana,forbes,ford,forrest,forsberg,forsyth,foss,foster,fournier,fowler," +
	"fox,franchi,francis,franco,francois,frank,franke,franklin,fraser,frazier,frederick," +
	"fredriksson,freeman,freitas,french,frey,friedman,friedrich,frimpong,frolov,frost,fry,frye," +
	"fu,fuchs,fuentes,fujii,fujimoto,fujimura,fujita,fujiwara,fukuda,fukui,fuller,fulton," +
	"fumagalli,fung,furukawa,gaillard,gaines,gaither,gajewski,gal,galindo,galkin,gallagher," +
	"gallardo,gallego,gallegos,galli,gallo,galloway,galvan,gamble,gamboa,gao,garba,garcia," +
	"gardner,garland,garner,garnier,garrett,garrido,garrison,garza,gaskins,gates,gatti," +
	"gauthier,gautier,gavrila,gavrilov,gay,gebhardt,geiger,gentile,gentry,george,georgescu," +
	"georgiev,georgiou,gerard,gerasimov,gerlach,germain,geurts,ghani,gheorghe,ghimire,ghorbani," +
	"ghosh,gibbons,gibbs,gibson,gil,gilbert,giles,gill,gillespie,gillet,gilliam,gilmore," +
	"giordano,girard,giraud,girma,giuliani,glass,gleason,glenn,glover,glowacki,goddard,godoy," +
	"goebel,goel,goff,goh,goldberg,golden,goldman,goldstein,golovin,golubev,gomes,gomez," +
	"goncharov,gong,gonzales,gonzalez,goodman,goodrich,goodwin,goossens,gorbachev,gorbunov," +
	"gordeev,gordon,gore,gorelov,gorman,gorshkov,gorski,goto,gotti,gough,gould,gowda,graaf," +
	"grabowski,grachev,grady,graf,graham,granados,granger,grant,grassi,grasso,graves,gray," +
	"greco,green,greenberg,greene,greenwood,greer,gregg,gregory,grewal,grier,griffin,griffith," +
	"griffiths,griggs,grigoriev,grimes,grishin,gromov,groot,gross,grubbs,gu,guan,guerin,guerra," +
	"guerreiro,guerrero,guevara,guidi,guillaume,guimaraes,gul,guler,gulyas,gumede,gunawan," +
	"gunes,gunther,guo,gupta,gurung,guryev,gusev,gustafsson,guthrie,gutierrez,guyot,guzman," +
	"gyamfi,ha,haan,haas,haase,habib,haddad,hadley,hagen,haggerty,hahn,haile,haines,hajek," +
	"hakansson,hakimi,halasz,hale,haley,halim,hall,halliday,halsey,halvorsen,ham,hamada," +
	"hamalainen,hamdan,hamid,hamilton,hamlin,hamm,hammett,hammond,hamon,hampton,han,hancock," +
	"haney,hanley,hanna,hannah,hansen,hanson,hansson,hao,hara,harada,hardin,harding,hardwick," +
	"hardy,hargreaves,hargrove,harlan,harley,harmon,harper,harrell,harrington,harris,harrison," +
	"hart,hartley,hartman,hartmann,hartono,hartung,harvey,harwood,hasegawa,hashemi,hashimoto," +
	"haskins,hassan,hastings,hatfield,hattori,haugen,haugland,hawes,hawkins,hawley,hayashi," +
	"hayden,hayes,haynes,hays,haywood,he,healy,heath,heaton,hebert,hedlund,hedrick,hegde," +
	"hegedus,heijden,heikkila,heikkinen,heinemann,heinonen,heinrich,heller,hellstrom,helms," +
	"henderson,hendricks,hendrickson,hendriks,hendrix,henley,hennessy,henriksson,henriquez," +
	"henry,hensley,henson,heo,herbert,herman,hermann,hermans,hernandez,herrera,herring," +
	"herrmann,hess,hester,heuvel,hewitt,hickey,hickman,hicks,hidalgo,hidayat,higgins,higuchi," +
	"hildebrand,hill,hinds,hines,hinkle,hinton,hinz,hirano,hirata,hirsch,hlongwane,ho,hoang," +
	"hobbs,hobson,hodge,hodges,hodgson,hoekstra,hoffman,hoffmann,hofmann,hogan,hogue,holbrook," +
	"holcomb,holden,holland,holley,hollis,holloway,holm,holman,holmberg,holmes,holt,holz,honda," +
	"honeycutt,hong,hood,hoogland,hooper,hoover,hopkins,hopper,horak,hori,horiuchi,horn,horne," +
	"horner,horowitz,horton,horvat,horvath,hossain,hosseini,hou,houck,hough,house,houser," +
	"houston,howard,howe,howell,howland,hoyt,hristov,hu,huang,hubbard,hubbell,huber,hubert," +
	"huddleston,hudson,huerta,huff,huffman,hughes,hui,huisman,hull,humbert,hummel,humphrey," +
	"humphries,hunsaker,hunt,hunter,hurd,hurley,hurst,hussain,hutchins,hutchinson,huynh,hwang," +
	"hyde,hyun,ibanez,ibarra,ibe,ibekwe,ibrahim,igarashi,iglesias,ignatiev,ignatov,igwe,iida," +
	"ikeda,ikeji,ilic,ilie,ilori,ilyin,imai,ingram,inoue,ioannou,ionescu,ip,iqbal,irwin,isaacs," +
	"isaev,isaksson,ishida,ishii,ishikawa,isik,ito,ivanov,ivanova,ivashchenko,ivey,iwasaki," +
	"iwata,iwu,iyengar,iyer,jablonski,jackson,jacob,jacobs,jacobsen,jacobson,jacquet,jadhav," +
	"jafari,jager,jaimes,jain,jakab,jakob,jakobsson,jakubowski,jalali,james,jameson,jang," +
	"jankowski,jansen,janssen,jansson,jaramillo,jarrett,jarvinen,jarvis,jasinski,javed," +
	"jaworski,jean,jefferson,jeffries,jelinek,jenkins,jennings,jensen,jeon,jeong,jessup,jesus," +
	"jewell,ji,jia,jiang,jiao,jimenez,jin,johannessen,johansen,johansson,johns,johnsen,johnson," +
	"johnston,joly,jones,jong,jonker,jonsson,joo,jordan,jorgensen,joseph,joshi,jovanovic,joyce," +
	"joyner,ju,juarez,judd,juhasz,julien,jun,jung,juric,kaczmarek,kaiser,kalashnikov,kalinin," +
	"kalinowski,kalu,kamara,kamata,kamau,kaminski,kane,kaneda,kaneko,kang,kaplan,kapoor,kara," +
	"karagiannis,karasev,karimi,kariuki,karki,karlsson,karpov,karzai,katayama,kato,katona,katz," +
	"kaufman,kaur,kavanagh,kawaguchi,kawakami,kawamura,kaya,kazakov,kazemi,kazmierczak,keane," +
	"kearney,keating,kebede,keegan,keene,keita,keith,kelemen,keller,kelley,kellogg,kelly,kemp," +
	"kendall,kennedy,kenney,kent,kern,kerr,keskin,kessler,key,khadka,khalil,khan,khanna," +
	"kharitonov,khokhlov,khoury,khumalo,ki,kibet,kidd,kikuchi,kilgore,kilic,kim,kimani,kimball," +
	"kimura,kincaid,king,kinney,kinnunen,kinoshita,kiprop,kiraly,kirby,kirchner,kirillov,kirk," +
	"kirkland,kis,kiselev,kiss,kitamura,klein,klimov,kline,klinger,klose,knapp,knezevic,knight," +
	"knowles,knox,knudsen,knyazev,ko,kobayashi,koc,koch,kocsis,koech,koenig,koh,kohler,kojima," +
	"kok,kolar,kolb,kolesnikov,kolev,kolodziej,kolosov,komarov,kondo,kondratiev,kondratyev," +
	"kong,konig,konovalov,konstantinou,konstantinov,kook,kopp,kopylov,korhonen,korkmaz,korneev," +
	"kornilov,korolev,korotkov,kose,koskinen,koster,kostin,kotov,kovac,kovacevic,kovacic," +
	"kovacs,koval,kovalchuk,kovalenko,kovalev,kowalczyk,kowalewska,kowalski,kozhevnikov,kozlov," +
	"kozlowski,kraft,krajewski,kral,kramer,krasnov,kratochvil,kraus,krause,kravchenko,krawczyk," +
	"kristensen,kristiansen,kriz,krol,krueger,kruger,kruglov,krylov,kryukov,kubat,kubiak,kubo," +
	"kubota,kucera,kucharski,kudo,kudryashov,kudryavtsev,kuffour,kuhn,kuipers,kulakov,kuleshov," +
	"kulikov,kulkarni,kumar,kunene,kunz,kupriyanov,kurihara,kurt,kusuma,kuzin,kuzmin,kuznetsov," +
	"kuznetsova,kwak,kwan,kwiatkowski,kwok,kwon,kwong,labbe,lacey,lacroix,ladd,lafferty,lai," +
	"laine,laird,lakatos,lam,lama,lamb,lambert,lammers,lancaster,landis,landry,lane,lang," +
	"langat,lange,langley,langlois,lanier,lanza,lapshin,laptev,lara,larin,larionov,larkin," +
	"larsen,larson,larsson,laskowski,laszlo,latham,lau,laurent,lavrov,law,lawal,lawler," +
	"lawrence,lawson,layton,lazar,lazarev,lazzari,le,leach,leal,leary,lebedev,leblanc,lebrun," +
	"leclerc,leclercq,lecomte,ledford,lee,leeuwen,lefebvre,lefevre,legrand,lehmann,lehtinen," +
	"lehtonen,lei,leigh,leite,leland,lemaire,lemoine,lennon,lenz,leon,leonard,leone,leong," +
	"leonov,leontiev,leroux,leroy,lesage,lester,leung,levi,levin,levine,levy,lewandowski,lewin," +
	"lewis,li,lian,liang,liao,lie,liebig,lim,lima,limon,lin,lindahl,lindberg,linden,lindgren," +
	"lindholm,lindquist,lindqvist,lindsay,lindsey,lindstrom,link,lipscomb,lis,little,litvinov," +
	"liu,livingston,lloyd,lo,lobanov,lockhart,lockwood,logan,loginov,lombardi,lombardo,long," +
	"longo,lopes,lopez,lorenz,lott,lou,love,lovett,lowe,lowery,lowry,lozada,lozano,lu,luca," +
	"lucas,lucero,ludwig,lugo,lui,lukacs,lukin,lukyanov,lumpkin,luna,lund,lundberg,lundgren," +
	"lundin,lundqvist,lundstrom,lundy,lungu,luo,luong,lupo,lusk,lutz,lv,lvov,ly,lyle,lyman," +
	"lynch,lynn,lyons,lysenko,lyubimov,ma,maas,mabry,macdonald,macedo,machado,macharia,macias," +
	"maciejewski,mack,mackey,madden,maddox,madrid,madsen,maeda,maeng,maes,magagula,magalhaes," +
	"magana,magar,magee,maggi,magnusson,maguire,magyar,mahlaba,mahlangu,mahmoud,mahon,mahoney," +
	"maia,maier,maillard,maina,majewski,mak,makarov,makeev,makela,makinen,makowski,makris," +
	"maksimov,maldonado,malhotra,malik,malinowski,malka,malone,maloney,maltsev,malyshev,manalo," +
	"mancini,mancuso,manley,mann,manning,manole,mansfield,mansour,manu,manzoni,mao,marchand," +
	"marchenko,marchetti,marchi,marciniak,marechal,marek,mariani,maric,marie,marin,marini," +
	"marino,marinov,markham,markin,markov,markovic,marks,marlowe,marquardt,marques,marquez," +
	"marr,marrero,marsh,marshall,martel,martin,martinelli,martinez,martini,martino,martins," +
	"martynov,maruyama,marx,maslennikov,maslov,mason,massey,masson,masuda,mata,matei,mathews," +
	"mathieu,mathis,matos,matsuda,matsui,matsumoto,matsumura,matsuo,matthews,mattingly," +
	"mattsson,matveev,mauldin,maury,maxey,maxwell,may,mayer,maynard,mayo,mayorov,mays,mazur," +
	"mazurek,mazza,mazzola,mbatha,mbeki,mbugua,mcadams,mcallister,mcarthur,mcbride,mccabe," +
	"mccall,mccann,mccarthy,mccarty,mcclain,mcclellan,mcclure,mcconnell,mccormick,mccoy," +
	"mccracken,mccray,mccullough,mcdaniel,mcdaniels,mcdonald,mcdonough,mcdowell,mcfadden," +
	"mcfarland,mcgee,mcgill,mcgowan,mcgrath,mcgraw,mcguire,mcintosh,mcintyre,mckay,mckee," +
	"mckenna,mckenzie,mckinley,mckinney,mcknight,mclain,mclaughlin,mclean,mcleod,mcmahon," +
	"mcmanus,mcmillan,mcnamara,mcneil,mcpherson,mcrae,meade,meadows,medeiros,medina,medrano," +
	"medvedev,meer,mehta,meier,meijer,mejia,mekonnen,melendez,melis,melnikov,melnyk,melo," +
	"melton,melvin,menard,mendes,mendez,mendoza,meng,menon,mensah,mercado,mercer,mercier," +
	"merrill,merritt,mertens,merwe,meshcheryakov,messer,messina,meszaros,metcalf,meunier,meyer," +
	"meyers,meza,mhlongo,miao,michael,michaels,michalak,michalski,michel,middleton,migliore," +
	"mihai,mikhailov,mikheev,milani,milburn,miles,miller,millet,mills,milner,milosevic,min," +
	"minami,miranda,mironov,mirza,mishra,mitchell,mitrofanov,miura,miyake,miyamoto,miyazaki," +
	"mizrahi,mizuno,mkhize,mo,mochizuki,moen,moffett,mohamed,mohammadi,mohr,moiseev,mojica,mok," +
	"mokoena,mol,molchanov,moldovan,molina,moller,molloy,molnar,monahan,monroe,montague," +
	"montalvo,montanari,monteiro,montes,montez,montgomery,monti,montoya,moody,moon,mooney," +
	"moore,mora,moradi,morais,morales,moran,morandi,moreau,morehouse,moreira,morel,morelli," +
	"moreno,moretti,morgan,mori,morimoto,morin,morita,morley,moro,moroz,morozov,morozova," +
	"morrell,morris,morrison,morrow,morse,mortensen,morton,moseley,moser,moses,mosley,moss," +
	"mott,moulin,moultrie,moura,mousavi,mowery,moyer,moyo,mu,mueller,mukherjee,mukhin,mulder," +
	"mullen,muller,mulligan,mullins,munoz,munson,munteanu,mura,murakami,murata,muravyov," +
	"murayama,murdock,murillo,murphy,murray,musa,musgrove,musso,mutai,mutua,mwangi,myers,myhre," +
	"myles,myung,na,nagai,nagata,nagel,nagy,naidoo,naidu,nair,naito,najafi,najjar,nakagawa," +
	"nakajima,nakamura,nakano,nakayama,nam,nance,napier,nascimento,nash,nasser,naumov,nava," +
	"navarro,navratil,nazari,nazarov,ncube,ndebele,ndiaye,ndlovu,neal,nechaev,nedelcu,needham," +
	"neely,nefedov,negri,nekrasov,nelson,nemec,nemeth,neri,nesbitt,nesterov,nettles,neumann," +
	"neves,newcomb,newell,newman,newsome,newton,ng,ngcobo,ngo,nguyen,ni,nichols,nicholson," +
	"nickerson,nicolas,nielsen,niemi,nieminen,nieto,nijhuis,nikiforov,nikitin,nikolaev," +
	"nikolaou,nikolic,nikolov,nikolsky,nikonov,nikulin,nilsson,nishida,nishikawa,nishimura," +
	"nistor,niu,nixon,njoroge,nkosi,nkrumah,nnadi,noack,nobile,noda,noel,noguchi,nogueira,noh," +
	"nolan,nolen,nomura,nordin,nordstrom,norman,norris,norton,norwood,nosov,novak,novikov," +
	"novikova,novoa,novotny,nowak,nowakowski,nowicki,nugent,nugroho,nunez,nwachukwu,nwankwo," +
	"nwosu,nxumalo,nyberg,nygaard,nystrom,oakley,obi,obrien,ocampo,ochieng,ochoa,oconnell," +
	"oconnor,oda,odhiambo,odom,odonnell,odukoya,oduro,oduya,ofori,ogata,ogawa,ogbonna,ogden," +
	"ogunbiyi,ogunleye,oh,ohashi,ohayon,ohlsson,ohno,oikonomou,ojeda,ojo,okabe,okada,okafor," +
	"okamoto,okamura,okeke,okonkwo,okoro,okpara,okuda,olah,olaniyan,olatunji,oldham,olds," +
	"oliphant,olivares,oliveira,oliver,olivier,oliynyk,olsen,olson,olsson,olszewski,oluwole," +
	"olvera,omondi,omura,oneal,oneill,ong,onishi,ono,onuoha,onyango,onyeka,oosterhout,opoku," +
	"oprea,orban,orlando,orlov,orozco,orr,orsos,ortega,ortiz,orton,osagie,osborn,osborne,osei," +
	"osgood,oshima,osipov,osorio,ostrowski,ota,otani,otieno,otis,otsuka,ott,otto,ou," +
	"ovchinnikov,overton,ovsyannikov,owen,owens,owino,owusu,oyama,oyebanji,oyelaran,ozcan," +
	"ozdemir,ozer,ozkan,ozturk,pace,pacheco,padgett,padilla,pagan,pagano,page,paiva,pakhomov," +
	"palacios,palma,palmer,palmieri,palumbo,pan,pandey,pandit,pang,panin,pankratov,panov," +
	"pantoja,papadakis,papadopoulos,papageorgiou,pape,papp,pappas,paredes,paris,parisi,park," +
	"parker,parkinson,parks,parnell,parra,parrish,parsons,partridge,pascual,pasquier,pastore," +
	"patel,patil,patrick,patten,patterson,patton,paul,pauwels,pavlov,pavlova,pavlovic,pawar," +
	"pawlak,pawlowski,paxton,payne,payton,peabody,pearce,pearson,peck,pedersen,peel,peeters," +
	"pei,peixoto,pellegrini,pellegrino,pelletier,pemberton,pena,pendleton,peng,penn,pennington," +
	"peralta,perdue,perea,pereira,peretz,perez,perkins,perrin,perrone,perrot,perry,person," +
	"persson,peters,petersen,peterson,petit,petkov,petrenko,petrescu,petrov,petrova,petrovic," +
	"pettersson,petty,petukhov,pfeifer,pfeiffer,pham,phan,phelps,phillips,phiri,piazza,picard," +
	"pickens,pickering,pickett,pierce,pierre,pierson,pietrzak,pillai,pineda,pini,pinkerton," +
	"pinter,pinto,piotrowski,piras,pires,pittman,pitts,pizarro,platonov,platt,plotnikov," +
	"plummer,pohl,poindexter,poirier,pokorny,pokrovsky,polat,poli,polishchuk,polk,pollard," +
	"pollock,polyakov,ponce,ponomarev,poole,poon,pop,popa,popal,pope,popescu,popov,popova," +
	"popovic,porcu,porter,portillo,posey,pospisil,postma,potapov,poteet,potter,potts,poudel," +
	"poulain,poulsen,powell,pratama,pratt,preda,prescott,presley,preston,pretorius,prevost," +
	"price,prieto,prins,pritchard,prochazka,proctor,prokhorov,prokofiev,pruitt,pryor," +
	"przybylski,puckett,pugh,pulliam,purcell,putnam,pyo,qi,qian,qiao,qin,qiu,quaye,queiroz," +
	"quezon,quigley,quinlan,quinn,quintana,quintas,quintero,quiroga,qureshi,racz,radcliffe," +
	"radebe,radford,radu,rafferty,ragland,rahimi,rahman,rai,raimondi,rainey,ramey,ramirez," +
	"ramos,ramsay,ramsey,rana,randall,randolph,rangel,rankin,ransom,rao,rashid,rasmussen," +
	"rathore,ratliff,rattanakorn,rausch,rawlings,ray,raymond,raza,rebelo,reddy,redmond,reed," +
	"reese,reeves,regalado,reich,reid,reilly,reis,ren,renard,renaud,rennie,reuter,rey,reyes," +
	"reyna,reynolds,rezaei,rhoades,rhodes,ribeiro,ricci,rice,rich,richard,richards,richardson," +
	"richmond,richter,riddle,ridley,riedel,riggs,rijken,riley,rinaldi,rinehart,riordan,rios," +
	"ritchie,ritter,riva,rivas,rivera,rivers,riviere,rizzi,rizzo,roach,roark,robbins,roberson," +
	"robert,roberts,robertson,robin,robinson,robles,rocha,roche,rockwell,rodgers,rodin," +
	"rodionov,rodrigues,rodriguez,roger,rogers,rohde,rojas,rolland,rollins,roman,romani,romano," +
	"romanov,romero,ronchi,rooney,roper,rosa,rosado,rosales,rosario,rosas,rose,rosen,rosenberg," +
	"rosenthal,ross,rossetti,rossi,rostami,rota,roth,rotich,rountree,rousseau,roussel,roux," +
	"rowan,rowe,rowell,rowland,roy,royer,rozhkov,rubio,rucker,rudd,rudenko,ruggiero,ruiz," +
	"rumyantsev,runyon,rush,russell,russo,rusu,rutherford,rutkowski,rutledge,ruto,ruud,ruzicka," +
	"ryabov,ryan,rybakov,ryu,sa,saarinen,saavedra,sabbagh,sadeghi,sadler,sadowski,saenz," +
	"saetang,safonov,sahin,saito,sakai,sakamoto,sakata,sakharov,sakurai,sala,salas,salazar," +
	"saleh,salem,salgado,salim,salinas,salminen,salonen,salter,samoylov,sampaio,sampson," +
	"samsonov,samuels,sanchez,sandberg,sander,sanders,sandhu,sandor,sandoval,sandstrom,sandu," +
	"sandvik,sanford,sani,sanna,sano,santana,santi,santiago,santillan,santis,santoro,santos," +
	"santoso,saputra,sargent,sari,sarpong,sartori,sasaki,sato,satterfield,sauer,saunders," +
	"savchenko,savelyev,savin,savino,sawicki,sawyer,saxena,saylor,sazonov,schade,schaefer," +
	"schafer,schaffer,schenk,schiller,schlegel,schmid,schmidt,schmitt,schmitz,schneider," +
	"schofield,scholten,scholz,schouten,schramm,schreiber,schroder,schroeder,schubert,schuler," +
	"schulte,schultz,schulz,schulze,schumacher,schumann,schuster,schwab,schwartz,schwarz,scott," +
	"sears,seaton,seay,sedlacek,sedov,segura,seidel,seifert,seki,seleznev,selivanov,sellers," +
	"semenov,sen,sengupta,seo,seok,sepulveda,sequeira,serban,sergeev,serna,serov,serra,serrano," +
	"sethi,sexton,seymour,shabalala,shafer,shaffer,shah,shaikh,shakya,shanahan,shannon,shao," +
	"shapira,shapiro,shapovalov,sharma,sharp,sharpe,shaw,shcherbakov,shea,sheehan,sheikh," +
	"sheldon,shelton,shen,sheng,shepard,shepherd,sheppard,sheridan,sherman,sherpa,sherrill," +
	"shestakov,shetty,shevchenko,shevchuk,shi,shibata,shields,shilov,shimada,shimizu,shin," +
	"shinde,shipley,shiraishi,shirazi,shirley,shirokov,shishkin,shmelev,shoemaker,sholes,short," +
	"shrestha,shu,shukla,shumaker,si,siddiqui,sidhu,sidorov,siebert,sierra,sikes,sikora," +
	"sikorski,silva,silvestri,sim,simek,simmons,simms,simoes,simon,simone,simonov,simpson,sims," +
	"simsek,sinclair,singh,singleton,sinha,sipos,sithole,siu,sizemore,sjoberg,skaggs,skinner," +
	"skvortsov,slade,slater,sloan,sloane,slocum,sluiter,small,smalley,smet,smirnov,smirnova," +
	"smit,smith,smits,snead,snell,snider,snow,snyder,so,soares,sobczak,sobolev,soderberg," +
	"sofronov,sohn,sokolov,sokolova,sokolowski,solano,solberg,solis,solomon,soloviev,solovyov," +
	"sommer,sommers,son,song,sorensen,soriano,sorokin,sorrentino,sosa,soto,sousa,southard," +
	"souza,sow,spangler,sparks,spaulding,spears,speer,spence,spencer,spinelli,spiridonov," +
	"spivey,spooner,sprague,springer,srisuk,srivastava,stafford,staley,stallings,stamper,stan," +
	"stanciu,stanford,stankovic,stanley,stanton,stark,starr,stastny,steele,steen,stein,steiner," +
	"stepanov,stephens,stephenson,stepien,sterling,stevens,stevenson,stewart,stiles,stinson," +
	"stoddard,stoian,stoica,stojanovic,stokes,stolyarov,stone,stoner,storey,stout,stover," +
	"stoyanov,strand,stratton,strauss,strickland,stringer,stromberg,strong,stroud,stuart," +
	"stubbs,su,suarez,sugano,sugawara,sugimoto,sugiyama,suh,suksawat,suleiman,sullivan,sultani," +
	"summers,sumner,sun,sung,suryadi,susanto,sutanto,sutton,suvorov,suzuki,svensson,sviridov," +
	"svoboda,swain,swanson,sweeney,sy,szabo,szalai,szczepanski,szeto,szewczyk,szilagyi,szucs," +
	"szulc,szymanski,szymczak,tachibana,tadesse,tak,takacs,takada,takagi,takahashi,takano," +
	"takase,takeda,takemoto,takeuchi,talbot,talley,tam,tamang,tamura,tan,tanabe,tanaka,tang," +
	"tangen,taniguchi,tanoto,tao,tapia,tarasov,tas,tate,tatum,tavares,taylor,teague,tedesco," +
	"tehrani,teixeira,tekin,templeton,teo,terada,terekhov,terentiev,terrell,terry,tesfaye," +
	"tessier,testa,tetteh,texier,thacker,thakur,thapa,thatcher,thayer,thibault,thiel,thomas," +
	"thompson,thomsen,thomson,thongchai,thornton,thurman,tian,tidwell,tierney,tikhomirov," +
	"tikhonov,tillman,timmermans,timmons,timofeev,tinsley,tipton,titov,tiwari,tkachenko," +
	"tkachev,tkachuk,todd,todorov,tokarev,toledo,toler,tomas,tomaszewski,tomic,tong,toomey," +
	"torok,torres,tosi,toth,toure,tovar,townsend,trammell,tran,traore,traylor,trejo,tremblay," +
	"tretyakov,trevino,trifonov,trinh,tripp,trivedi,trofimov,trotter,truitt,trujillo,truong," +
	"tsang,tse,tshabalala,tsuchiya,tsuda,tsui,tsvetkov,tubbs,tucker,tudor,turan,turner,turunen," +
	"tuttle,tyler,tyson,uche,uchida,udeh,ueda,ueno,ugwu,uhm,ulrich,ulyanov,umar,umeda,umeh," +
	"unal,underwood,upton,urban,urbanski,urbina,urena,ursu,ushakov,usman,ustinov,utkin,vail," +
	"valdes,valdez,valencia,valente,valentini,valenzuela,valle,vallejo,vance,vandyke,vanek," +
	"vang,varela,varga,vargas,vasconcelos,vasile,vasilev,vasiliev,vasiliou,vasquez,vass," +
	"vaughan,vaughn,vazquez,veen,vega,vela,velasquez,velazquez,velez,ven,ventura,verbeek," +
	"vergara,verhoeven,verma,vermeulen,vesely,viana,vickers,vidal,vieira,vik,villa,villalobos," +
	"villanueva,villarreal,villegas,vincent,vink,vinogradov,vinson,virtanen,visser,vitale," +
	"vitali,vlachos,vladimirov,vlasov,vliet,vo,vogel,vogt,voicu,voigt,volkov,volkova,vorobiev," +
	"vorobyov,voronin,voronov,vorontsov,vos,voss,vries,vu,vukovic,wada,waddell,wade,wadsworth," +
	"wafula,wagner,wai,wainwright,waite,wakabayashi,wakefield,wal,walczak,walden,waldron," +
	"walker,wallace,waller,wallin,wallis,walls,walsh,walter,walters,walther,walton,wambua,wan," +
	"wang,wanjiku,wanjiru,ward,wardak,ware,warfield,warner,warren,washburn,washington," +
	"wasilewski,wasserman,watanabe,waters,watkins,watson,watt,watts,weatherford,weaver,webb," +
	"webber,weber,webster,weeks,wei,weigel,weir,weiss,welborn,welch,wells,wen,wendt,wentworth," +
	"wenzel,werner,west,westbrook,whalen,whatley,wheaton,wheeler,whitaker,white,whitehead," +
	"whitfield,whitlock,whitman,whitmore,whitney,whitt,wi,wibowo,wieczorek,wiese,wiggins," +
	"wijaya,wijnen,wikstrom,wilcox,wild,wilde,wilder,wiley,wilhelm,wilk,wilke,wilkerson," +
	"wilkins,wilkinson,willard,willems,willett,williams,williamson,willis,willoughby,wilson," +
	"wimberly,winfield,wingate,winkler,winslow,winston,winter,winters,wise,wisniewski,wit," +
	"withers,witkowski,witt,wlodarczyk,wojciechowski,wojcik,wolf,wolfe,wolff,wolter,womack," +
	"wong,wongsakul,woo,wood,woodard,woodruff,woods,woodson,woodward,woolley,worley," +
	"worthington,wouters,wozniak,wray,wright,wrobel,wroblewski,wu,wyatt,wyman,wysocki,xia," +
	"xiang,xiao,xie,xin,xing,xiong,xu,xue,yadav,yakovlev,yakubu,yalcin,yamada,yamaguchi," +
	"yamamoto,yamane,yamasaki,yamashita,yamazaki,yan,yang,yano,yao,yarbrough,yasuda,yates,yau," +
	"yavuz,ybarra,ye,yeager,yeboah,yeo,yeom,yeung,yildirim,yildiz,yilmaz,yin,yip,yiu,yoder," +
	"yokoyama,yoo,yook,yoon,yordanov,york,yoshida,yoshikawa,yoshimura,yost,young,youngblood,yu," +
	"yuan,yudin,yue,yuen,yuksel,yun,yusuf,zaitsev,zajac,zakharov,zakrzewski,zalewski,zamani," +
	"zamora,zander,zanetti,zapata,zavala,zavyalov,zawadzki,zeller,zeman,zeng,zhan,zhang,zhao," +
	"zhdanov,zheng,zhong,zhou,zhu,zhuang,zhukov,zhuravlev,ziegler,zielinski,zimin,zimmerman," +
	"zimmermann,zinoviev,ziolkowski,zito,zolotarev,zorin,zotov,zou,zubkov,zubov,zuckerman,zuev," +
	"zulu,zuniga,zverev,zwane,zwart,"

// regionNames are countries (with common short and native forms),
// states, provinces, regions and continents.
const regionNames = "" +
	"afghanistan,africa,alabama,alaska,albania,alberta,algeria,alsace,amazonas,amazonia," +
	"american samoa,anatolia,andalucia,andalusia,andhra pradesh,andorra,angola,antarctica," +
	"antigua and barbuda,apulia,aquitaine,aragon,argentina,arizona,arkansas,armenia,aruba,asia," +
	"assam,asturias,australia,australian capital territory,austria,azerbaijan,bahamas,bahia," +
	"bahrain,baja california,balearic islands,bali,balkans,balochistan,bangladesh,barbados," +
	"basque country,bavaria,bayern,belarus,belgium,belize,bengal,benin,bermuda,bhutan,bihar," +
	"bohemia,bolivia,borneo,bosnia,bosnia and herzegovina,botswana,brandenburg,brasil,brazil," +
	"britain,british columbia,british virgin islands,brittany,brunei,bulgaria,burgundy," +
	"burkina faso,burma,burundi,cabo verde,calabria,california,cambodia,cambridgeshire," +
	"cameroon,campania,canada,canary islands,cantabria,cape verde,caribbean,carinthia,castile," +
	"catalonia,cataluna,catalunya,cayman islands,ceara,central african republic," +
	"central america,chad,chechnya,cheshire,chiapas,chihuahua,chile,china,colombia,colorado," +
	"comoros,congo,connecticut,cornwall,corsica,costa rica,crimea,croatia,cuba,cumbria,curacao," +
	"cyprus,czech republic,czechia,dalarna,darfur,delaware,democratic republic of the congo," +
	"denmark,deutschland,devon,district of columbia,djibouti,dominica,dominican republic," +
	"donbas,dorset,east anglia,east timor,ecuador,egypt,el salvador,england,equatorial guinea," +
	"eritrea,espana,essex,estonia,eswatini,ethiopia,europe,euskadi,extremadura," +
	"falkland islands,faroe islands,fiji,finland,flanders,florida,france,french guiana," +
	"french polynesia,fujian,gabon,galicia,galilee,gambia,georgia,germany,ghana,gibraltar,goa," +
	"graubunden,great britain,greece,greenland,grenada,guadeloupe,guam,guanajuato,guangdong," +
	"guatemala,guernsey,guinea,gujarat,guyana,haiti,hampshire,hawaii,henan,hesse,hessen," +
	"hokkaido,holland,honduras,hong kong,honshu,hubei,hunan,hungary,ibiza,iceland,idaho," +
	"illinois,india,indiana,indonesia,iowa,iran,iraq,ireland,isle of man,israel,italia,italy," +
	"ivory coast,jalisco,jamaica,japan,java,jiangsu,jordan,jutland,kansas,karnataka,kashmir," +
	"kazakhstan,kent,kentucky,kenya,kerala,kiribati,korea,kosovo,kurdistan,kuwait,kyrgyzstan," +
	"kyushu,lancashire,laos,lapland,latin america,latvia,lazio,lebanon,lesotho,liberia,libya," +
	"liechtenstein,liguria,lincolnshire,lithuania,loire,lombardia,lombardy,louisiana," +
	"lower saxony,luxembourg,luzon,macao,macau,madagascar,maharashtra,maine,majorca,malawi," +
	"malaysia,maldives,mali,mallorca,malta,manitoba,marshall islands,martinique,maryland," +
	"massachusetts,mauritania,mauritius,mayotte,mecklenburg,mexico,michigan,micronesia," +
	"middle east,midlands,minas gerais,mindanao,minnesota,mississippi,missouri,moldova,monaco," +
	"mongolia,montana,montenegro,moravia,morocco,mozambique,murcia,myanmar,namibia,nauru," +
	"navarre,nebraska,nepal,netherlands,nevada,new brunswick,new caledonia,new hampshire," +
	"new jersey,new mexico,new south wales,new york state,new zealand,newfoundland," +
	"newfoundland and labrador,nicaragua,niger,nigeria,nippon,norfolk,normandy,north america," +
	"north carolina,north dakota,north korea,north macedonia,northern ireland," +
	"northern territory,northumberland,northwest territories,norway,nova scotia,nuevo leon," +
	"nunavut,oaxaca,occitanie,oceania,odisha,ohio,okinawa,oklahoma,oman,ontario,oregon," +
	"oxfordshire,pakistan,palau,palestine,panama,papua new guinea,paraguay,parana,patagonia," +
	"pennsylvania,pernambuco,persia,peru,philippines,piedmont,piemonte,poland,portugal," +
	"prince edward island,provence,puerto rico,puglia,punjab,qatar,quebec,queensland," +
	"quintana roo,rajasthan,republic of ireland,rhineland,rhode island,rio grande do sul," +
	"romania,russia,russian federation,rwanda,sachsen,saint kitts and nevis,saint lucia," +
	"saint vincent and the grenadines,salzburg,samoa,san marino,santa catarina," +
	"sao tome and principe,sardegna,sardinia,saskatchewan,saudi arabia,saxony,scandinavia," +
	"scania,scotland,senegal,serbia,seychelles,shandong,shikoku,siberia,sichuan,sicilia,sicily," +
	"sierra leone,silesia,sinai,sinaloa,sindh,singapore,slovak republic,slovakia,slovenia," +
	"solomon islands,somalia,somerset,sonora,south africa,south america,south australia," +
	"south carolina,south dakota,south korea,south sudan,southeast asia,spain,sri lanka,styria," +
	"sudan,suffolk,sulawesi,sumatra,suriname,surrey,sussex,swaziland,sweden,switzerland,syria," +
	"taiwan,tajikistan,tamil nadu,tanzania,tasmania,tatarstan,telangana,tenerife,tennessee," +
	"texas,thailand,the netherlands,thuringia,tibet,ticino,timor leste,tirol,togo,tonga," +
	"toscana,transylvania,trinidad and tobago,tunisia,turkey,turkiye,turkmenistan,tuscany," +
	"tuvalu,tyrol,uae,uganda,uk,ukraine,umbria,united arab emirates,united kingdom," +
	"united states,united states of america,uruguay,us virgin islands,usa,ussr,utah," +
	"uttar pradesh,uzbekistan,valais,vanuatu,vatican city,veneto,venezuela,veracruz,vermont," +
	"viet nam,vietnam,virginia,wales,wallonia,washington state,west bengal,west virginia," +
	"western australia,western sahara,wisconsin,wyoming,xinjiang,yemen,yorkshire,yucatan,yukon," +
	"yunnan,zambia,zealand,zhejiang,zimbabwe,"

// cityNames are capitals and large or well-known cities and districts.
const cityNames = "" +
	"aachen,aarhus,aba,abadan,abeokuta,aberdeen,aberystwyth,abha,abidjan,abilene,abu dhabi," +
	"abuja,acapulco,accra,adana,addis ababa,adelaide,agadez,agadir,agartala,agra," +
	"aguascalientes,ahmedabad,ahvaz,aix en provence,ajaccio,ajman,ajmer,akita,akron,aktobe," +
	"al ain,al khobar,alanya,albacete,albany,albuquerque,alcala,aleppo,alexandria,algiers," +
	"alicante,alice springs,aligarh,allahabad,allentown,almaty,almeria,amarillo,amiens,amman," +
	"amravati,amritsar,amsterdam,anaheim,anchorage,ancona,andijan,andorra la vella,angers," +
	"ankara,ann arbor,annaba,annapolis,annecy,anshan,antalya,antananarivo,antioch,antofagasta," +
	"antwerp,aomori,apia,aqaba,ardabil,arequipa,arhus,arica,arkhangelsk,arlington,armagh," +
	"arnhem,arusha,arvada,asahikawa,asgabat,ashdod,asheville,asmara,astana,astrakhan,asuncion," +
	"aswan,asyut,athens,atlanta,atlantic city,atyrau,auckland,augsburg,augusta,aurangabad," +
	"aurora,austin,avignon,badajoz,baghdad,baguio,bahia blanca,bahir dar,bakersfield,baku,bali," +
	"balikpapan,ballarat,baltimore,bamako,bamberg,bamenda,bandar abbas,bandar seri begawan," +
	"bandung,bangalore,bangkok,bangor,bangui,banja luka,banjul,baotou,barcelona,bareilly,bari," +
	"barnaul,barquisimeto,barranquilla,basel,basra,bath,batna,baton rouge,battambang,batumi," +
	"bayonne,beaumont,beersheba,beijing,beirut,belem,belfast,belgaum,belgorod,belgrade," +
	"belize city,bellevue,belo horizonte,bendigo,bengaluru,benghazi,benin city,bergamo,bergen," +
	"berkeley,berlin,bern,besancon,beverly hills,bhopal,bhubaneswar,bialystok,bielefeld," +
	"bikaner,bilbao,billings,biloxi,birmingham,bishkek,bismarck,bissau,bizerte,blackpool," +
	"blantyre,bloemfontein,bloomington,bochum,bogota,boise,bologna,bolton,bolzano,bonn," +
	"bordeaux,boston,bouake,boulder,bournemouth,bowling green,bozeman,bradford,braga,brampton," +
	"brasilia,bratislava,braunschweig,bremen,brescia,brest,bridgeport,brighton," +
	"brighton and hove,brisbane,bristol,brno,broken arrow,bronx,brooklyn,brownsville,bruges," +
	"brussels,bryansk,bucaramanga,bucharest,budapest,buenos aires,buffalo,bujumbura,bukavu," +
	"bukhara,bulawayo,burbank,burgos,burlington,burnaby,bursa,busan,bydgoszcz,cadiz,caen," +
	"cagayan de oro,cagliari,cairns,cairo,cajamarca,calcutta,calgary,cali,cambridge,camden," +
	"campeche,campinas,campo grande,can tho,canberra,cancun,cannes,canterbury,canton," +
	"cape coast,cape coral,cape town,caracas,cardiff,carlisle,carlsbad,carmel,carrollton," +
	"carson city,cartagena,casablanca,castellon,catania,cebu,cebu city,cedar rapids,champaign," +
	"chandigarh,chandler,changchun,changsha,changwon,changzhou,charleston,charlotte," +
	"charlottesville,charlottetown,chattanooga,cheboksary,chelmsford,cheltenham,chelyabinsk," +
	"chemnitz,chengdu,chennai,cheongju,cherbourg,chernihiv,chernivtsi,chesapeake,chester," +
	"chetumal,cheyenne,chiang mai,chiang rai,chiba,chicago,chiclayo,chihuahua,chisinau," +
	"chittagong,chongqing,christchurch,chula vista,cincinnati,ciudad del este,ciudad juarez," +
	"clarksville,clearwater,cleveland,clovis,cluj,cluj napoca,cochabamba,coimbatore,coimbra," +
	"colchester,colima,cologne,colombo,colonia,colorado springs,columbia,columbus,conakry," +
	"concepcion,concord,constanta,constantine,copenhagen,coral springs,cordoba,cork,corona," +
	"corpus christi,costa mesa,cotonou,coventry,craiova,crawley,cucuta,cuenca,cuernavaca," +
	"cuiaba,culiacan,cupertino,curitiba,cusco,cuttack,cuzco,czestochowa,da nang,daegu,daejeon," +
	"dakar,dalian,dallas,daly city,damascus,dammam,dar es salaam,darlington,darmstadt,darwin," +
	"davao,dayton,dearborn,debrecen,dehradun,delft,delhi,denpasar,denton,denver,derby,derry," +
	"des moines,detroit,dhaka,dhanbad,dijon,dili,dire dawa,diyarbakir,djibouti city,dnipro," +
	"dodoma,doha,doncaster,donetsk,dongguan,dordrecht,dortmund,douala,dover,dresden,drogheda," +
	"dubai,dublin,dubrovnik,dubuque,duisburg,duluth,dundalk,dundee,dunedin,durango,durban," +
	"durgapur,durham,dushanbe,dusseldorf,east london,eastbourne,edinburg,edinburgh,edmonton," +
	"eilat,eindhoven,el cajon,el monte,el paso,eldoret,elizabeth,elk grove,encarnacion," +
	"ensenada,entebbe,enugu,erbil,erfurt,erie,erlangen,esbjerg,esfahan,eskisehir,essaouira," +
	"essen,evanston,evansville,exeter,fairbanks,faisalabad,falkirk,fargo,faridabad,faro," +
	"fayetteville,ferrara,fes,fez,flagstaff,flint,florence,florianopolis,fontana,fort collins," +
	"fort lauderdale,fort myers,fort wayne,fort william,fort worth,fortaleza,foshan,frankfort," +
	"frankfurt,fredericton,freetown,freiburg,fremont,fresno,fribourg,frisco,fujairah,fukuoka," +
	"fullerton,funafuti,funchal,fuzhou,gaborone,gainesville,galle,galveston,galway,ganja," +
	"garden grove,garland,gatineau,gaya,gaziantep,gdansk,gdynia,geelong,geneva,genoa," +
	"george town,georgetown,ghaziabad,ghent,gibraltar,gifu,gijon,gilbert,gimhae,girona,gitega," +
	"giza,glasgow,glendale,gloucester,goiania,gold coast,goma,gomel,gondar,gorakhpur," +
	"gothenburg,gottingen,gqeberha,granada,grand junction,grand prairie,grand rapids,graz," +
	"greeley,green bay,greensboro,greenville,greenwich,grenoble,gresham,grodno,groningen," +
	"guadalajara,guangzhou,guarulhos,guatemala city,guayaquil,guildford,guilin,guiyang," +
	"gujranwala,gulfport,gulu,guwahati,gwalior,gwangju,gyor,gyumri,haarlem,hague,hai phong," +
	"haifa,haikou,hakodate,halifax,halle,hamadan,hamamatsu,hamburg,hamilton,hampton,hangzhou," +
	"hannover,hanoi,hanover,harare,harbin,hargeisa,harlem,harrisburg,hartford,hastings,hat yai," +
	"hattiesburg,havana,hawassa,hebron,hefei,heidelberg,heilbronn,helena,helsinki,henderson," +
	"herat,hermosillo,hialeah,hillsboro,hilo,himeji,hiroshima,ho chi minh city,hobart,hoboken," +
	"hohhot,hollywood,homs,honiara,honolulu,houston,howrah,hsinchu,huancayo,hubli,huddersfield," +
	"hue,huelva,hull,huntington beach,huntsville,hyderabad,iasi,ibadan,ibague,iloilo,ilorin," +
	"imphal,incheon,independence,indianapolis,indore,inglewood,ingolstadt,innsbruck,inverness," +
	"iowa city,ipoh,ipswich,iqaluit,iquitos,irbid,irkutsk,irvine,irving,isfahan,islamabad," +
	"istanbul,ithaca,ivanovo,izhevsk,izmir,jabalpur,jackson,jacksonville,jaen,jaffna,jaipur," +
	"jakarta,jalalabad,jalandhar,jammu,jamshedpur,jeddah,jefferson city,jeju,jena,jeonju," +
	"jersey city,jerusalem,jilin,jinan,jinja,joao pessoa,jodhpur,johannesburg,johor bahru," +
	"joliet,jonkoping,jos,juba,juiz de fora,juneau,jurupa valley,kabul,kaduna,kagawa,kagoshima," +
	"kairouan,kaiserslautern,kalamazoo,kaliningrad,kaluga,kampala,kanagawa,kananga,kanazawa," +
	"kandahar,kandy,kano,kanpur,kansas city,kaohsiung,karachi,karaganda,karaj,karlsruhe," +
	"kassala,kassel,kathmandu,katowice,kaunas,kawasaki,kayseri,kazan,keelung,kelowna,kemerovo," +
	"kenosha,kerman,kermanshah,khabarovsk,kharkiv,khartoum,kherson,khiva,khon kaen,khulna,kiel," +
	"kiev,kigali,kigoma,kilkenny,killarney,killeen,kingston,kingston upon hull,kinshasa,kirkuk," +
	"kirkwall,kirov,kisangani,kismayo,kisumu,kitakyushu,kitchener,klagenfurt,knoxville,kobe," +
	"koblenz,kochi,kolding,kolkata,konya,kosice,kota,kota kinabalu,kowloon,kozhikode,krakow," +
	"krasnodar,krasnoyarsk,kryvyi rih,kuala lumpur,kuching,kumamoto,kumasi,kunming,kursk," +
	"kutaisi,kuwait city,kyiv,kyoto,la coruna,la paz,la plata,la serena,lafayette,lagos,lahore," +
	"lakeland,lamu,lancaster,lansing,lanzhou,laredo,las cruces,las palmas,las vegas,latakia," +
	"launceston,lausanne,laval,lecce,leeds,leicester,leiden,leipzig,leon,lerwick,leuven," +
	"lewisville,lexington,lhasa,libreville,liege,lille,lilongwe,lima,limassol,limerick,limoges," +
	"lincoln,linkoping,linz,lipetsk,lisbon,lisburn,little rock,liverpool,livorno,ljubljana," +
	"lodz,logrono,lome,london,london ontario,londonderry,londrina,long beach,los angeles," +
	"louisville,lowell,luanda,luang prabang,lubango,lubbock,lublin,lubumbashi,lucerne,lucknow," +
	"ludhiana,lugano,luhansk,luoyang,lusaka,luton,lutsk,luxembourg city,luxor,lviv,lynchburg," +
	"lyon,maastricht,macau,maceio,macon,madison,madras,madrid,madurai,magdeburg,magnitogorsk," +
	"maidstone,maiduguri,mainz,majuro,makassar,malabo,malacca,malaga,malang,malibu,malindi," +
	"malmo,manado,managua,manama,manaus,manchester,mandalay,mangalore,manhattan,manila," +
	"manizales,mannheim,mansfield,maputo,mar del plata,maracaibo,maracay,maribor,mariupol," +
	"marrakech,marrakesh,marseille,maseru,mashhad,matsuyama,mazatlan,mbabane,mbarara,mcallen," +
	"mecca,medan,medellin,medford,medina,meerut,mekelle,meknes,melaka,melbourne,memphis," +
	"mendoza,menlo park,merida,mersin,mesa,messina,metz,mexicali,mexico city,miami,miami beach," +
	"miami gardens,middlesbrough,milan,milano,milton keynes,milwaukee,minneapolis,minsk," +
	"miskolc,misrata,mississauga,missoula,mobile,modena,modesto,mogadishu,mogilev,mombasa," +
	"monaco,monrovia,monterey,monterrey,montevideo,montgomery,montpelier,montpellier,montreal," +
	"monza,morelia,moreno valley,morgantown,moroni,moscow,moshi,mosul,mulhouse,multan,mumbai," +
	"munchen,munich,munster,murcia,murfreesboro,murmansk,muscat,mwanza,mykolaiv,myrtle beach," +
	"mysore,naberezhnye chelny,nablus,nagasaki,nagoya,nagpur,naha,nairobi,najaf,nakuru," +
	"namangan,nanchang,nancy,nanjing,nanning,nantes,nantucket,napa,naperville,naples,napoli," +
	"nara,nashik,nashville,nassau,natal,ndjamena,ndola,neiva,netanya,new brunswick,new delhi," +
	"new haven,new orleans,new york,new york city,newark,newcastle,newport,newport news,newry," +
	"ngerulmud,nha trang,niamey,nice,nicosia,niigata,nijmegen,nimes,ningbo,niteroi," +
	"nizhny novgorod,nizhny tagil,nogales,noida,norfolk,norman,north las vegas,northampton," +
	"norwalk,norwich,nottingham,nouakchott,novara,novi sad,novokuznetsk,novosibirsk,nukualofa," +
	"nuremberg,nurnberg,oakland,oaxaca,oban,ocala,oceanside,odense,odesa,odessa,ogden,okayama," +
	"oklahoma city,olathe,oldenburg,oldham,olomouc,olympia,omaha,omdurman,omsk,oporto,oran," +
	"orange,orenburg,orlando,orleans,osaka,osh,oslo,osnabruck,osorno,ostrava,ottawa," +
	"ouagadougou,ouarzazate,oujda,oulu,overland park,oviedo,oxford,oxnard,pachuca,padang," +
	"paderborn,padua,paisley,palembang,palermo,palikir,palm bay,palm springs,palma,palmdale," +
	"palo alto,pamplona,panama city,paris,parma,pasadena,pasto,paterson,patna,pattaya,pau," +
	"pavia,pavlodar,paysandu,pearland,pecs,pekanbaru,pembroke pines,penang,pensacola,penza," +
	"peoria,pereira,perm,perth,perugia,pescara,peshawar,peterborough,petrozavodsk,philadelphia," +
	"phnom penh,phoenix,phuket,pierre,pietermaritzburg,pisa,pittsburgh,piura,plano,plovdiv," +
	"plymouth,pocatello,podgorica,pohang,poitiers,pokhara,polokwane,poltava,pomona," +
	"pompano beach,poole,port au prince,port elizabeth,port harcourt,port louis,port moresby," +
	"port of spain,port said,port st lucie,port sudan,port vila,portland,porto,porto alegre," +
	"porto novo,portsmouth,potsdam,poznan,prague,praha,praia,preston,pretoria,princeton," +
	"providence,provo,pskov,puebla,pueblo,puerto montt,pula,pune,punta arenas,punta del este," +
	"pyongyang,qingdao,qom,quebec city,queens,queretaro,quetta,quezon city,quincy,quito,rabat," +
	"raipur,rajkot,rajshahi,raleigh,ramallah,rancagua,ranchi,rancho cucamonga,rapid city,rasht," +
	"rawalpindi,reading,recife,redmond,regensburg,regina,reims,rennes,reno,renton,reykjavik," +
	"rialto,richmond,riga,rijeka,rimini,rio,rio de janeiro,riverside,rivne,riyadh,roanoke," +
	"rochdale,rochester,rockford,roma,rome,rosario,roseville,rostock,rostov,rotherham," +
	"rotterdam,rouen,round rock,ryazan,saarbrucken,sabha,sacramento,saint louis,saint paul," +
	"saint petersburg,saitama,sakai,salamanca,salem,salerno,salinas,salisbury,salt lake city," +
	"salta,saltillo,salto,salvador,salzburg,samara,samarkand,samsun,san angelo,san antonio," +
	"san bernardino,san cristobal,san diego,san francisco,san jose,san juan,san luis potosi," +
	"san mateo,san salvador,san sebastian,sanaa,sandy springs,santa ana,santa barbara," +
	"santa clara,santa clarita,santa cruz,santa fe,santa maria,santa marta,santa monica," +
	"santa rosa,santander,santiago,santo domingo,santos,sao luis,sao paulo,sapporo,sarajevo," +
	"sarasota,saratov,saskatoon,sassari,savannah,schwerin,scottsdale,scranton,seattle,semarang," +
	"semey,sendai,seoul,setif,sevastopol,sevilla,seville,sfax,shanghai,shantou,sharjah," +
	"sheffield,shenyang,shenzhen,shijiazhuang,shimla,shiraz,shizuoka,shreveport,shymkent," +
	"sialkot,sidon,siem reap,siena,silicon valley,siliguri,simferopol,simi valley,singapore," +
	"sintra,sioux city,sioux falls,skopje,sligo,slough,smolensk,sochi,sofia,sokoto,solapur," +
	"sonoma,sousse,south bend,southampton,southend,soweto,split,spokane,spokane valley," +
	"springfield,srinagar,st andrews,st johns,st louis,st paul,st petersburg,stamford," +
	"staten island,stavropol,stellenbosch,stirling,stockholm,stockport,stockton,stoke," +
	"strasbourg,stuttgart,sucre,suez,sulaymaniyah,sumqayit,sumy,sunderland,sunnyvale,surabaya," +
	"surat,surgut,surrey,suva,suwon,suzhou,swansea,swindon,sydney,syktyvkar,sylhet,syracuse," +
	"szczecin,szeged,tabriz,tabuk,tacoma,taichung,taif,tainan,taipei,taiyuan,takoradi,talca," +
	"tallahassee,tallinn,tamale,tambov,tampa,tampere,tampico,tanga,tangier,tangshan,tarawa," +
	"tarragona,tartu,tashkent,tbilisi,tegucigalpa,tehran,tel aviv,telford,tema,temecula,tempe," +
	"temuco,tepic,teresina,ternopil,tetouan,thane,the hague,thessaloniki,thimphu," +
	"thiruvananthapuram,thousand oaks,tianjin,tijuana,timbuktu,timisoara,tirana," +
	"tiruchirappalli,tlaxcala,tlemcen,tokyo,toledo,toluca,tolyatti,tomsk,toowoomba,topeka," +
	"torino,toronto,torquay,torrance,torreon,toulouse,tours,townsville,toyama,trabzon,trento," +
	"trenton,treviso,trier,trieste,tripoli,tromso,trondheim,trujillo,tubingen,tucson,tucuman," +
	"tula,tulsa,tunis,turin,turkmenbashi,turku,tuscaloosa,tuxtla gutierrez,tver,tyre,tyumen," +
	"uberlandia,udaipur,udine,udon thani,ufa,ulaanbaatar,ulan bator,ulm,ulsan,ulyanovsk,umea," +
	"uppsala,urbana,urmia,urumqi,utrecht,utsunomiya,uzhhorod,vacaville,vadodara,vaduz,valdivia," +
	"valencia,valladolid,vallejo,valletta,valparaiso,vancouver,varanasi,varna,vasteras,venezia," +
	"venice,ventura,veracruz,verona,vicenza,victoria,victorville,vienna,vientiane,vigo," +
	"vijayawada,villahermosa,vilnius,vina del mar,vinnytsia,virginia beach,visakhapatnam," +
	"visalia,vitebsk,vitoria,vladimir,vladivostok,volgograd,vologda,voronezh,vung tau,waco," +
	"wakayama,wakefield,warren,warri,warrington,warsaw,washington,washington dc,waterbury," +
	"waterford,waterloo,watford,weifang,wellington,wenzhou,west covina,west jordan," +
	"west palm beach,west valley city,wexford,whitehorse,wichita,wichita falls,wiesbaden,wigan," +
	"wilmington,winchester,windhoek,winnipeg,winston salem,woking,wollongong,wolverhampton," +
	"worcester,worthing,wroclaw,wuhan,wurzburg,wuxi,xiamen,xian,xining,xuzhou,yakima,yakutsk," +
	"yangon,yantai,yaounde,yaroslavl,yazd,yekaterinburg,yellowknife,yerevan,yinchuan," +
	"yogyakarta,yokohama,yonkers,york,youngstown,yuma,zacatecas,zagreb,zahedan,zamboanga," +
	"zanzibar,zaporizhzhia,zaragoza,zaria,zarqa,zhengzhou,zhuhai,zhytomyr,zurich,zwolle,"

// commonNameWords are entries of the lists above that are also ordinary
// English words ("will", "rose", "young", "nice", "reading"): capitalised
// at the start of a sentence they are usually not names, so they need a
// second cue.
const commonNameWords = "" +
	"ace,ah,alexa,ama,amber,an,angel,apollo,april,archer,aria,art,august,aurora,autumn,bai," +
	"baker,ball,banks,barber,basil,bass,bath,beard,bell,benjamin,berry,bill,bird,bishop,black," +
	"blair,blanc,bo,bolton,bond,booker,booth,branch,bravo,bray,brewer,bridges,brown,buck," +
	"buffalo,bullock,burch,burns,bush,butler,can,cannon,canton,carpenter,carver,case,cash," +
	"chambers,chance,chase,cherry,christian,church,clay,clement,cobb,combs,concord,conrad,cook," +
	"cooke,craft,crane,cross,crystal,daisy,dale,dan,dawn,day,deal,dean,destiny,ding,do,dodge," +
	"don,drake,drew,dyer,english,faith,fall,fan,farmer,field,fields,finley,fisher,flowers,ford," +
	"fowler,fox,frank,french,frost,gamble,gardner,gates,gay,gen,gene,genesis,gill,ginger,glass," +
	"glenn,golden,grace,graf,grant,gray,green,grey,gross,gu,gui,guy,ha,hale,hall,han,hand,hang," +
	"hardy,harmony,harsh,hart,hau,he,head,heather,heaven,hill,ho,holiday,holly,holt,hood,hope," +
	"hopper,horn,house,hu,hung,hunt,hunter,hurley,iris,ivy,jade,jan,java,jay,jean,jin,journey," +
	"joy,june,jung,junior,justice,keller,key,kidd,king,kirk,knight,knox,ko,lam,lamb,lane,lang," +
	"law,le,li,lie,lily,lima,little,long,lord,love,lu,lyric,ma,mack,mai,major,man,mann,mark," +
	"marks,marsh,marshall,mason,max,may,mayer,meadows,mercer,mercy,merritt,mesa,messiah,mi," +
	"middleton,miles,mills,min,mobile,moody,moon,morrow,moss,my,na,nam,nash,nice,noel,nova,nur," +
	"oh,olive,orange,pace,page,pan,parish,park,parks,pat,patton,penny,per,person,petit,poole," +
	"pop,pope,porter,potter,potts,power,pratt,price,providence,pugh,quick,rain,ray,read," +
	"reading,reed,rei,ren,rice,rich,riddle,rivers,rob,robin,roman,rose,roy,ruby,rush,sage,said," +
	"sale,salt,sang,sawyer,say,sellers,serenity,sharp,sharpe,shepard,shepherd,shin,short,si," +
	"slater,sloan,small,snow,so,solomon,son,song,soon,sow,sparks,spears,split,star,stark," +
	"steele,sterling,stokes,stone,storm,stout,strand,strong,su,sue,sugar,summer,summers,sun," +
	"sunny,swift,tai,tan,tate,terry,thu,tin,todd,tower,tu,tucker,van,vance,vaughn,villa,violet," +
	"wade,walker,walls,ward,ware,waters,weaver,weeks,wells,west,white,wild,wilder,will,willow," +
	"winter,wise,wolf,won,wood,woods,woodward,wright,wu,ya,ye,york,young,yu,ze,"
